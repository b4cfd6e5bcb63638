package org.sheetlab.train.fast;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.sheetlab.core.backprop.InputGradientOptional;
import org.sheetlab.core.threads.HostThreads;

/**
 * The fast training core for any {@link MultiLayerNetwork} or {@link ComputationGraph} (the sheet's networks, section
 * "Backpropagation"): the network's own layers compute the forward and backward passes ({@code
 * computeGradientAndScore}: every DL4J and sheetlab layer, vertex and loss unchanged) into the network's flat gradient
 * view g [n]; then, instead of DL4J's solver, listener and per-block updater machinery, one pass of vectorised kernels
 * ({@link UpdaterKernels}) over the flat parameter vector w [n], g and the updater state s applies the update with
 * DL4J's semantics and in its order:
 *
 * <ol>
 *   <li>g ← g/B for every parameter the layer divides by the minibatch size B (not BatchNormalization's running
 *       mean and variance);
 *   <li>gradient normalisation per layer: renormalise by the L2 norm (per layer or per parameter type), clip each
 *       element to [−t, t], or clip the L2 norm to t (per layer or per parameter type);
 *   <li>per updater block: L1 (g ← g + λ sign w) and L2 (g ← g + λw) before the updater; the updater (Adam
 *       m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², u = α_t m/(√v + ε), α_t = η √(1−β₂ᵗ)/(1−β₁ᵗ); Nesterov momentum
 *       v' = μv − ηg, u = μv − (1+μ)v'; SGD u = ηg; NoOp u = g); weight decay after it (u ← u + cη w, or cw);
 *   <li>w ← w − u, the iteration count +1, the layers' constraints.
 * </ol>
 *
 * <p>The parameters and the updater state stay in the network's own arrays (the kernels work in place on their
 * off-heap buffers), and the iteration and epoch counts are the network's, so checkpoints, {@code model.zip},
 * evaluation and a later {@code fit} see exactly what was trained, and a step by this core equals a {@code fit} up to
 * float rounding in the updater arithmetic (the gradients themselves come from the same code).
 *
 * <p>During its forward and backward pass the core switches off the input gradient of the layers that read only the
 * network's inputs and allow it ({@link InputGradientOptional}, e.g. a first FastConvolution2D): nothing reads it, and
 * for a one-channel image it was the most expensive convolution of the sheet CNN's step.
 *
 * <p>During the same passes a MultiLayerNetwork's max and average pooling layers (DL4J's SubsamplingLayer, NCHW,
 * windows that do not overlap) are computed by {@link ArgmaxPooling}, which keeps the forward pass's argmax for the
 * backward pass; bit-identical to DL4J's layer, which runs everywhere else ({@code -Dsheetlab.fast.pooling=false}: in
 * the step too).
 *
 * <p>Not supported, with the reason from {@link #unsupported}: networks with DL4J {@link TrainingListener}s attached
 * (they need fit's solver callbacks), truncated BPTT, other updaters or regularisations, layers with pretraining
 * parameters (DL4J's VariationalAutoencoder layer), data types other than FLOAT.
 */
public final class FastCore {
    private static final Method SYNC_MLN = syncMethod(MultiLayerNetwork.class);
    private static final Method SYNC_CG = syncMethod(ComputationGraph.class);

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FastCore.class);

    private final Model model;
    private boolean warned;
    private final MultiLayerNetwork net;
    private final ComputationGraph graph;
    private final int n;
    private final List<Block> blocks = new ArrayList<>();
    private final List<int[]> divideRanges = new ArrayList<>();
    private final List<LayerNorm> norms = new ArrayList<>();
    private final boolean miniBatch;
    /** The network's flat parameters, gradient and updater state: its own off-heap buffers, native byte order. */
    private final ByteBuffer p;

    private final ByteBuffer g;
    private final ByteBuffer s;
    /** Where the flat arrays start in their buffers, in floats. */
    private final int pOff;

    private final int gOff;
    private final int sOff;

    /**
     * One updater block: a contiguous range of parameters with one updater configuration; {@code divided}: whether
     * all its parameters are divided by the minibatch size (null: some are, some not); {@code live}: the ranges of
     * its parameters whose layers are not frozen.
     */
    private record Block(
            int start,
            int end,
            int stateStart,
            IUpdater updater,
            List<Param> params,
            Boolean divided,
            List<int[]> live) {}

    /**
     * Whether the update runs block by block in one pass each ({@link UpdaterKernels#adamStep} for Adam): no gradient
     * normalisation, no regularisation, every block divided by the minibatch size wholly or not at all, and the
     * blocks covering the parameters in order. Otherwise the passes run one after the other over all blocks.
     */
    private final boolean fused;

    /** Adam passes over at least this many parameters are split into ranges over the host threads ({@link SplitRules}). */
    static final int SPLIT_MIN_PARAMETERS = SplitRules.ADAM_MIN_PARAMETERS;

    /** The fewest parameters one part of a split Adam pass gets. */
    static final int MIN_PARAMETERS_PER_PART = 32_768;

    /** One parameter of a layer in a block, its regularisations before and after the updater. */
    private record Param(int start, int end, List<Regularization> before, List<Regularization> after) {}

    /**
     * An output layer's loss that the step replaces by a fused equivalent while it runs ({@link SigmoidXentLoss}):
     * the layer's configuration, DL4J's loss and the fused one.
     */
    private record LossSwap(
            org.deeplearning4j.nn.conf.layers.Layer conf, ILossFunction original, ILossFunction fused) {}

    /**
     * Whether the step swaps in fused losses ({@link SigmoidXentLoss}); {@code -Dsheetlab.fast.fusedLoss=false}
     * keeps DL4J's own loss code (for comparisons).
     */
    static final boolean FUSED_LOSS = !"false".equals(System.getProperty("sheetlab.fast.fusedLoss"));

    private final List<LossSwap> lossSwaps = new ArrayList<>();

    /**
     * The layers that read only the network's inputs and can leave out their input gradient ({@link
     * InputGradientOptional}: no one reads it in a training step); the step switches that on around its backward pass.
     * {@code -Dsheetlab.fast.skipInputGradient=false} keeps every input gradient (for comparisons).
     */
    private final List<InputGradientOptional> firstLayers;

    static final boolean SKIP_INPUT_GRADIENT = !"false".equals(System.getProperty("sheetlab.fast.skipInputGradient"));

    private static List<InputGradientOptional> firstLayers(MultiLayerNetwork net, ComputationGraph graph) {
        List<InputGradientOptional> first = new ArrayList<>();
        if (!SKIP_INPUT_GRADIENT) {
            return first;
        }
        if (net != null) {
            if (net.getLayers().length > 0 && net.getLayers()[0] instanceof InputGradientOptional o) {
                first.add(o);
            }
            return first;
        }
        org.deeplearning4j.nn.graph.vertex.GraphVertex[] vertices = graph.getVertices();
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : vertices) {
            if (!v.hasLayer() || !(v.getLayer() instanceof InputGradientOptional o) || v.getInputVertices() == null) {
                continue;
            }
            boolean fromInputs = v.getInputVertices().length > 0;
            for (org.deeplearning4j.nn.graph.vertex.VertexIndices in : v.getInputVertices()) {
                fromInputs &= vertices[in.getVertexIndex()].isInputVertex();
            }
            if (fromInputs) {
                first.add(o);
            }
        }
        return first;
    }

    private void skipInputGradients(boolean skip) {
        for (InputGradientOptional o : firstLayers) {
            o.skipInputGradient(skip);
        }
    }

    /**
     * Which networks {@link DensePath} computes (its dense layers by its own passes, the rest by theirs), from
     * {@code -Dsheetlab.fast.densePath}: {@code true} (the default: a MultiLayerNetwork whose every layer with
     * parameters the dense path computes, e.g. the VAE's and the GAN's dense networks; parameter-free layers such as
     * the reparameterization layer run their own passes), {@code all} (also networks where other layers with
     * parameters run their own passes between), {@code false} (never: the layers' own passes throughout, for A/B
     * comparisons).
     */
    public enum DensePathMode {
        OFF,
        DENSE,
        ALL;

        /** The mode {@code -Dsheetlab.fast.densePath} sets (true, all or false; true when unset). */
        public static DensePathMode fromProperty() {
            String v = System.getProperty(DENSE_PATH_PROPERTY, "true").trim();
            return switch (v) {
                case "true", "" -> DENSE;
                case "all" -> ALL;
                case "false" -> OFF;
                default ->
                    throw new IllegalArgumentException(
                            "-D" + DENSE_PATH_PROPERTY + " must be true, all or false, got '" + v + "'");
            };
        }
    }

    /**
     * Whether the fused Adam update skips the parameters of frozen layers ({@code -Dsheetlab.fast.skipFrozen=false}
     * runs them, for comparisons): their gradient is zero, so the pass would change nothing.
     */
    static final boolean SKIP_FROZEN = !"false".equals(System.getProperty("sheetlab.fast.skipFrozen"));

    /** The system property that chooses the {@link DensePathMode}. */
    public static final String DENSE_PATH_PROPERTY = "sheetlab.fast.densePath";

    /**
     * Whether the step computes max and average pooling itself, keeping the forward pass's argmax ({@link
     * ArgmaxPooling}); {@code -Dsheetlab.fast.pooling=false} leaves DL4J's SubsamplingLayer its own ops.
     */
    static final boolean POOLING = !"false".equals(System.getProperty("sheetlab.fast.pooling"));

    /** The pooling layers whose passes the step computes (null: none, or switched off). */
    private final ArgmaxPooling.Swap pooling;

    /** The dense path for this network (null: the layers' own passes, {@code computeGradientAndScore}). */
    private final DensePath densePath;

    /** Whether the last step ran through {@link #densePath}. */
    private boolean lastStepDense;

    /** The outputs of the last step's forward pass when {@link #keepOutputs} asked for them, else null. */
    private float[] lastOutputs;

    /** A layer's gradient normalisation over its range and its parameters' ranges. */
    private record LayerNorm(GradientNormalization kind, double threshold, int start, int end, List<int[]> params) {}

    private FastCore(Model model, DensePathMode mode) {
        this.model = model;
        this.net = model instanceof MultiLayerNetwork m ? m : null;
        this.graph = model instanceof ComputationGraph c ? c : null;
        BaseMultiLayerUpdater<?> updater = updater(model);
        INDArray params = model.params();
        INDArray grads = net != null ? net.getFlattenedGradients() : graph.getFlattenedGradients();
        INDArray state = updater.getStateViewArray();
        n = (int) params.length();
        checkFlat(params, n, "parameters");
        checkFlat(grads, n, "gradients");
        miniBatch = model.conf().isMiniBatch();
        Map<Trainable, List<int[]>> layerParams = new IdentityHashMap<>();
        List<Trainable> layerOrder = new ArrayList<>();
        boolean simple = true;
        int covered = 0;
        for (UpdaterBlock ub : updater.getUpdaterBlocks()) {
            List<Param> ps = new ArrayList<>();
            int dividedParams = 0;
            for (UpdaterBlock.ParamState st : ub.getLayersAndVariablesInBlock()) {
                Trainable t = st.getLayer();
                String name = st.getParamName();
                if (t.updaterDivideByMinibatch(name)) {
                    addRange(divideRanges, st.getParamOffsetStart(), st.getParamOffsetEnd());
                    dividedParams++;
                }
                List<Regularization> regs = t.getConfig().getRegularizationByParam(name);
                List<Regularization> before = new ArrayList<>();
                List<Regularization> after = new ArrayList<>();
                if (regs != null) {
                    for (Regularization r : regs) {
                        (r.applyStep() == Regularization.ApplyStep.BEFORE_UPDATER ? before : after).add(r);
                    }
                }
                ps.add(new Param(st.getParamOffsetStart(), st.getParamOffsetEnd(), before, after));
                simple &= before.isEmpty() && after.isEmpty();
                layerParams
                        .computeIfAbsent(t, k -> {
                            layerOrder.add(k);
                            return new ArrayList<>();
                        })
                        .add(new int[] {st.getParamOffsetStart(), st.getParamOffsetEnd()});
            }
            int count = ub.getLayersAndVariablesInBlock().size();
            // the parameters of the block's layers that are not frozen, as merged ranges
            List<int[]> live = new ArrayList<>();
            for (UpdaterBlock.ParamState st : ub.getLayersAndVariablesInBlock()) {
                if (!(st.getLayer() instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop)
                        && !(st.getLayer() instanceof org.deeplearning4j.nn.layers.FrozenLayer)) {
                    addRange(live, st.getParamOffsetStart(), st.getParamOffsetEnd());
                }
            }
            Boolean divided = dividedParams == count ? Boolean.TRUE : dividedParams == 0 ? Boolean.FALSE : null;
            simple &= divided != null && ub.getParamOffsetStart() == covered;
            covered = ub.getParamOffsetEnd();
            blocks.add(new Block(
                    ub.getParamOffsetStart(),
                    ub.getParamOffsetEnd(),
                    ub.getUpdaterViewOffsetStart(),
                    ub.getGradientUpdater().getConfig(),
                    ps,
                    divided,
                    live));
        }
        for (Trainable t : layerOrder) {
            GradientNormalization kind = t.getConfig().getGradientNormalization();
            if (kind != null && kind != GradientNormalization.None && t.numParams() > 0) {
                List<int[]> ranges = layerParams.get(t);
                int start = ranges.stream().mapToInt(r -> r[0]).min().orElseThrow();
                int end = ranges.stream().mapToInt(r -> r[1]).max().orElseThrow();
                norms.add(new LayerNorm(kind, t.getConfig().getGradientNormalizationThreshold(), start, end, ranges));
            }
        }
        fused = simple && norms.isEmpty() && covered == n;
        if (FUSED_LOSS) {
            Layer[] layers = net != null ? net.getLayers() : graph.getLayers();
            for (Layer l : layers) {
                org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
                ILossFunction loss = c instanceof BaseOutputLayer o
                        ? o.getLossFn()
                        : c instanceof LossLayer ll ? ll.getLossFn() : null;
                if (loss != null
                        && SigmoidXentLoss.covers(
                                loss, ((org.deeplearning4j.nn.conf.layers.BaseLayer) c).getActivationFn())) {
                    lossSwaps.add(new LossSwap(
                            c,
                            loss,
                            new SigmoidXentLoss(
                                    ((org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT) loss).getClipEps())));
                }
            }
        }
        firstLayers = firstLayers(net, graph);
        pooling = POOLING && net != null ? ArgmaxPooling.Swap.of(net.getLayers()) : null;
        if (pooling != null) {
            log.debug("fast step: {}", pooling.description());
        }
        densePath = net != null && mode != DensePathMode.OFF ? DensePath.of(net, mode == DensePathMode.ALL) : null;
        if (densePath != null) {
            log.debug("fast step: {}", densePath.description());
        }
        p = bytes(params);
        pOff = (int) params.offset();
        g = bytes(grads);
        gOff = (int) grads.offset();
        if (state != null && state.length() > 0) {
            checkFlat(state, state.length(), "updater state");
            s = bytes(state);
            sOff = (int) state.offset();
        } else {
            s = null;
            sOff = 0;
        }
    }

    /** The whole off-heap buffer under {@code a} as bytes in native order (a's elements from {@code a.offset()}). */
    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    /** Adds [start, end) to the ranges, merged with the last one when they touch. */
    private static void addRange(List<int[]> ranges, int start, int end) {
        if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == start) {
            ranges.get(ranges.size() - 1)[1] = end;
        } else {
            ranges.add(new int[] {start, end});
        }
    }

    private static void checkFlat(INDArray a, long length, String what) {
        if (a.length() != length || a.elementWiseStride() != 1 || !a.isView() && a.offset() != 0) {
            throw new IllegalStateException("FastCore: the network's flat " + what + " are not one contiguous array");
        }
    }

    private static BaseMultiLayerUpdater<?> updater(Model model) {
        Object u = model instanceof MultiLayerNetwork m ? m.getUpdater() : ((ComputationGraph) model).getUpdater();
        if (!(u instanceof BaseMultiLayerUpdater<?> b)) {
            throw new IllegalStateException("FastCore: unexpected updater " + u);
        }
        return b;
    }

    /**
     * The fast core over {@code model} (an initialised MultiLayerNetwork or ComputationGraph); an
     * IllegalArgumentException names what it has that the core does not support ({@link #unsupported}).
     */
    public static FastCore of(Model model) {
        return of(model, DensePathMode.fromProperty());
    }

    /** {@link #of(Model)} with the dense path chosen by {@code mode} instead of {@code -Dsheetlab.fast.densePath}. */
    public static FastCore of(Model model, DensePathMode mode) {
        unsupported(model).ifPresent(why -> {
            throw new IllegalArgumentException("the fast training step cannot train this network: " + why);
        });
        return new FastCore(model, mode);
    }

    /**
     * What the dense path computes and which layers run their own passes ("dense path over layer 0 'encoder'
     * (DenseLayer), …; their own passes: layer 2 'z' (Reparameterization)"), or empty when this core does not use it.
     */
    public Optional<String> densePath() {
        return densePath == null ? Optional.empty() : Optional.of(densePath.description());
    }

    /**
     * The activations of layers 0 … {@code lastLayer} of the MultiLayerNetwork in inference mode for input x, through
     * the dense path's kernels where it computes the layers (each other layer by its own {@code activate(x, false)},
     * with the input preprocessors), as {@code activateSelectedLayers(0, lastLayer, x)} computes them up to float
     * rounding; a new array. Where this core has no dense path, or lastLayer is its output layer, DL4J's
     * activateSelectedLayers itself.
     */
    public INDArray activate(INDArray x, int lastLayer) {
        if (densePath != null && densePath.canActivate(x, lastLayer)) {
            return densePath.activate(x, lastLayer);
        }
        if (net == null) {
            throw new IllegalStateException("FastCore.activate: a MultiLayerNetwork's layers only");
        }
        net.setInput(x);
        return net.activateSelectedLayers(0, lastLayer, x);
    }

    /**
     * {@link #activate(INDArray, int)} with layer {@code lastLayer}'s output written straight into {@code target} (a
     * FLOAT c-order contiguous [B, n_out], e.g. a half of a larger batch) where the dense path computes that layer;
     * returns target then, else a new array as {@link #activate(INDArray, int)} (the caller copies it).
     */
    public INDArray activate(INDArray x, int lastLayer, INDArray target) {
        if (densePath != null && densePath.canActivateInto(x, lastLayer, target)) {
            return densePath.activate(x, lastLayer, target);
        }
        return activate(x, lastLayer);
    }

    /**
     * What the step computes of the network's pooling layers itself ("argmax-keeping pooling over layer 1 'pool1'
     * (SubsamplingLayer) MAX 2x2/2x2, …"), or empty when it leaves them all to DL4J ({@code
     * -Dsheetlab.fast.pooling=false}, a ComputationGraph, or no max/average NCHW pooling layer).
     */
    public Optional<String> pooling() {
        return pooling == null ? Optional.empty() : Optional.of(pooling.description());
    }

    /** The pooling layers the step puts in (tests). */
    List<ArgmaxPooling> poolingLayers() {
        return pooling == null ? List.of() : pooling.layers();
    }

    /** Whether the last {@link #fit} ran through the dense path (it does not for masked or unexpected batches). */
    public boolean lastStepDense() {
        return lastStepDense;
    }

    /** Why the fast core cannot train {@code model} (naming the layer, setting or listener), or empty when it can. */
    public static Optional<String> unsupported(Model model) {
        if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
            return Optional.of("it trains MultiLayerNetworks and ComputationGraphs, got "
                    + (model == null ? "null" : model.getClass().getSimpleName()));
        }
        if (model.params() == null || model.numParams() == 0) {
            return Optional.of("the network is not initialised or has no parameters (call init())");
        }
        if (model.params().dataType() != DataType.FLOAT) {
            return Optional.of("the network's data type is " + model.params().dataType()
                    + "; the fast step's kernels are FLOAT only");
        }
        Collection<TrainingListener> listeners =
                model instanceof MultiLayerNetwork m ? m.getListeners() : ((ComputationGraph) model).getListeners();
        if (listeners != null && !listeners.isEmpty()) {
            return Optional.of("DL4J training listener " + listenerNames(listeners) + " is attached; listeners need "
                    + "fit's solver callbacks");
        }
        BackpropType bp = model instanceof MultiLayerNetwork m
                ? m.getLayerWiseConfigurations().getBackpropType()
                : ((ComputationGraph) model).getConfiguration().getBackpropType();
        if (bp == BackpropType.TruncatedBPTT) {
            return Optional.of("truncated BPTT (backpropType TruncatedBPTT) runs through fit");
        }
        BaseMultiLayerUpdater<?> updater = updater(model);
        for (UpdaterBlock ub : updater.getUpdaterBlocks()) {
            UpdaterBlock.ParamState first = ub.getLayersAndVariablesInBlock().get(0);
            if (ub.isPretrainUpdaterBlock()) {
                return Optional.of(describe(first.getLayer()) + " has pretraining parameter " + first.getParamName()
                        + " (layerwise pretraining runs through fit)");
            }
            IUpdater u = ub.getGradientUpdater().getConfig();
            if (u.getClass() != Adam.class
                    && u.getClass() != Sgd.class
                    && u.getClass() != Nesterovs.class
                    && u.getClass() != NoOp.class) {
                return Optional.of(describe(first.getLayer()) + " parameter " + first.getParamName() + " uses the "
                        + u.getClass().getSimpleName() + " updater (supported: Adam, Sgd, Nesterovs, NoOp)");
            }
            for (UpdaterBlock.ParamState st : ub.getLayersAndVariablesInBlock()) {
                List<Regularization> regs = st.getLayer().getConfig().getRegularizationByParam(st.getParamName());
                if (regs == null) {
                    continue;
                }
                for (Regularization r : regs) {
                    if (r.getClass() != L1Regularization.class
                            && r.getClass() != L2Regularization.class
                            && r.getClass() != WeightDecay.class) {
                        return Optional.of(describe(st.getLayer()) + " parameter " + st.getParamName() + " has "
                                + r.getClass().getSimpleName() + " (supported: L1, L2, WeightDecay)");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String listenerNames(Collection<TrainingListener> listeners) {
        List<String> names = new ArrayList<>();
        for (TrainingListener l : listeners) {
            names.add(l.getClass().getName());
        }
        return String.join(", ", names);
    }

    /** "layer 2 'dense' (DenseLayer)" or "vertex 'attention' (SameDiffGraphVertex)". */
    static String describe(Trainable t) {
        String name = t.getConfig() == null ? "?" : t.getConfig().getLayerName();
        if (t instanceof Layer l) {
            return "layer " + l.getIndex() + " '" + name + "' ("
                    + l.conf().getLayer().getClass().getSimpleName() + ")";
        }
        return "vertex '" + name + "' (" + t.getClass().getSimpleName() + ")";
    }

    /**
     * Where this core's steps spent their time since it was made (or {@link #resetProfile}): the layers' forward and
     * backward passes with the loss ({@code computeGradientAndScore}), and the update (the kernels, in place), in
     * nanoseconds over {@code steps} steps.
     */
    public record Profile(long steps, long gradientNanos, long updateNanos) {}

    private long steps;
    private long gradientNanos;
    private long updateNanos;

    /** The time spent so far (see {@link Profile}). */
    public Profile profile() {
        return new Profile(steps, gradientNanos, updateNanos);
    }

    /** Starts the profile afresh (after warm-up steps). */
    public void resetProfile() {
        steps = 0;
        gradientNanos = 0;
        updateNanos = 0;
    }

    /**
     * Keeps, from now on, the network's outputs of each step's own forward pass (before the update), so that a
     * caller that needs them (the GAN's D(x)) does not run the forward pass a second time. Possible where the
     * network has one output layer and it is a sigmoid with binary cross-entropy (the fused loss computes σ(z)
     * anyway); returns whether it is.
     */
    public boolean keepOutputs() {
        if (lossSwaps.size() != 1 || (net != null ? net.getOutputLayer() == null : graph.getNumOutputArrays() != 1)) {
            return false;
        }
        ((SigmoidXentLoss) lossSwaps.get(0).fused).keepOutputs = true;
        if (densePath != null) {
            densePath.keepOutputs = true;
        }
        return true;
    }

    /**
     * Whether the next {@link #fit} will leave {@link #lastOutputs}: {@link #keepOutputs} said so and no DL4J listener
     * makes the step run through fit.
     */
    public boolean keepsOutputs() {
        Collection<TrainingListener> listeners = net != null ? net.getListeners() : graph.getListeners();
        return !lossSwaps.isEmpty()
                && ((SigmoidXentLoss) lossSwaps.get(0).fused).keepOutputs
                && (listeners == null || listeners.isEmpty());
    }

    /**
     * The network's outputs in the last step's forward pass, with the parameters before its update ([rows, outputs]
     * row by row), when {@link #keepsOutputs} held for it; else null.
     */
    public float[] lastOutputs() {
        return lastOutputs;
    }

    /** The network this core trains. */
    public Model model() {
        return model;
    }

    /** One step on {@code batch} (features, labels and their masks); returns the network's score, as fit's. */
    public double fit(MultiDataSet batch) {
        return fit(batch.getFeatures(), batch.getLabels(), batch.getFeaturesMaskArrays(), batch.getLabelsMaskArrays());
    }

    /** One step of a single-input, single-output network on features x and labels y (no masks). */
    public double fit(INDArray x, INDArray y) {
        return fit(new INDArray[] {x}, new INDArray[] {y}, null, null);
    }

    /**
     * One step: the network's forward and backward pass, then the update (see the class comment). Returns the score
     * {@code fit} reports (the loss averaged over the batch plus the regularisation penalty), before the update.
     */
    public double fit(INDArray[] features, INDArray[] labels, INDArray[] featureMasks, INDArray[] labelMasks) {
        lastOutputs = null;
        Collection<TrainingListener> listeners = net != null ? net.getListeners() : graph.getListeners();
        if (listeners != null && !listeners.isEmpty()) {
            // listeners attached after the step was chosen (e.g. a UI): they need fit's callbacks, so fit runs
            if (!warned) {
                warned = true;
                log.warn(
                        "fast step: DL4J training listener {} attached; training through fit from now on",
                        listenerNames(listeners));
            }
            if (net != null) {
                net.fit(
                        features[0],
                        labels[0],
                        featureMasks == null ? null : featureMasks[0],
                        labelMasks == null ? null : labelMasks[0]);
            } else {
                graph.fit(features, labels, featureMasks, labelMasks);
            }
            return model.score();
        }
        long t0 = System.nanoTime();
        if (net != null && (features.length != 1 || labels.length != 1)) {
            throw new IllegalArgumentException("a MultiLayerNetwork takes one feature and one label array, got "
                    + features.length + " and " + labels.length);
        }
        boolean dense = densePath != null
                && featureMasks == null
                && labelMasks == null
                && densePath.accepts(features[0], labels[0]);
        lastStepDense = dense;
        swapLosses(true);
        skipInputGradients(true);
        if (pooling != null) {
            pooling.swap(true);
        }
        try {
            if (dense) {
                net.setInput(features[0]);
                net.setLabels(labels[0]);
                net.setLayerMaskArrays(null, null);
                densePath.computeGradientAndScore(features[0], labels[0]);
            } else if (net != null) {
                net.setInput(features[0]);
                net.setLabels(labels[0]);
                net.setLayerMaskArrays(
                        featureMasks == null ? null : featureMasks[0], labelMasks == null ? null : labelMasks[0]);
                net.computeGradientAndScore();
            } else {
                graph.setInputs(features);
                graph.setLabels(labels);
                graph.setLayerMaskArrays(featureMasks, labelMasks);
                graph.computeGradientAndScore();
            }
        } finally {
            if (pooling != null) {
                pooling.swap(false);
            }
            skipInputGradients(false);
            swapLosses(false);
        }
        if (dense && densePath.outputs() != null) {
            lastOutputs = densePath.outputs();
        } else if (!lossSwaps.isEmpty() && ((SigmoidXentLoss) lossSwaps.get(0).fused).keepOutputs) {
            lastOutputs = ((SigmoidXentLoss) lossSwaps.get(0).fused).outputs();
        }
        double score = model.score();
        long t1 = System.nanoTime();
        int iteration = BaseOptimizer.getIterationCount(model);
        int epoch = BaseOptimizer.getEpochCount(model);
        update(iteration, epoch, model.batchSize());
        gradientNanos += t1 - t0;
        updateNanos += System.nanoTime() - t1;
        steps++;
        BaseOptimizer.incrementIterationCount(model, 1);
        BaseOptimizer.applyConstraints(model);
        if (net != null) {
            net.clearLayerMaskArrays();
            net.clearLayersStates();
            sync(SYNC_MLN, net);
        } else {
            if (featureMasks != null || labelMasks != null) {
                graph.clearLayerMaskArrays();
            }
            graph.clearLayersStates();
            sync(SYNC_CG, graph);
        }
        return score;
    }

    /**
     * Puts the fused losses into their output layers' configurations for the forward and backward pass ({@code in}),
     * or DL4J's own back (after it), so that outside the step (fit, evaluation, checkpoints, model.zip) the network's
     * configuration is exactly what it was built with.
     */
    private void swapLosses(boolean in) {
        for (LossSwap sw : lossSwaps) {
            ILossFunction loss = in ? sw.fused : sw.original;
            if (sw.conf instanceof BaseOutputLayer o) {
                o.setLossFn(loss);
            } else {
                ((LossLayer) sw.conf).setLossFn(loss);
            }
        }
    }

    /**
     * The update of one step, in place over the network's flat arrays (no copies: the kernels read and write ND4J's
     * buffers), the gradient g already computed; g ends holding the update, as after fit.
     */
    private void update(int iteration, int epoch, int batchSize) {
        if (fused) {
            for (Block b : blocks) {
                updateBlock(b, iteration, epoch, miniBatch && b.divided, batchSize);
            }
            return;
        }
        if (miniBatch) {
            float b = batchSize;
            for (int[] r : divideRanges) {
                UpdaterKernels.divide(g, gOff + r[0], r[1] - r[0], b);
            }
        }
        for (LayerNorm ln : norms) {
            normalise(ln);
        }
        for (Block b : blocks) {
            for (Param prm : b.params) {
                regularise(prm.before, prm, 1.0, iteration, epoch);
            }
            double lr = applyUpdater(b, iteration, epoch);
            for (Param prm : b.params) {
                regularise(prm.after, prm, lr, iteration, epoch);
            }
        }
        UpdaterKernels.subtract(p, pOff, g, gOff, n);
    }

    /**
     * The update of one block in one pass (the fused path: no normalisation, no regularisation): g/B when {@code
     * divide}, the updater, w ← w − u; Adam in a single kernel, split over the host threads for large blocks.
     */
    private void updateBlock(Block b, int iteration, int epoch, boolean divide, int batchSize) {
        int len = b.end - b.start;
        float d = batchSize;
        if (b.updater instanceof Adam a) {
            double lr = a.getLearningRate(iteration, epoch);
            float b1 = (float) a.getBeta1();
            float b2 = (float) a.getBeta2();
            float eps = (float) a.getEpsilon();
            float epsT = adamStepSize(lr, b1, b2, eps, iteration);
            // frozen layers' gradients are zero (FrozenLayerWithBackprop and the dense path leave them so), and with
            // no regularisation or normalisation (fused) their step is w − 0 with Adam's m and v staying 0: skipping
            // them leaves every bit as the pass would
            List<int[]> ranges = SKIP_FROZEN ? b.live : List.of(new int[] {b.start, b.end});
            for (int[] r : ranges) {
                int n = r[1] - r[0];
                int at = r[0] - b.start;
                int parts = n >= SPLIT_MIN_PARAMETERS
                        ? Math.max(1, Math.min(HostThreads.maxParts(), n / MIN_PARAMETERS_PER_PART))
                        : 1;
                int w0 = pOff + r[0];
                int g0 = gOff + r[0];
                int m0 = sOff + b.stateStart + at;
                int v0 = sOff + b.stateStart + len + at;
                HostThreads.split(
                        n,
                        parts,
                        (part, e0, e1) -> UpdaterKernels.adamStep(
                                p, w0 + e0, g, g0 + e0, s, m0 + e0, s, v0 + e0, e1 - e0, divide, d, b1, b2, eps, epsT));
            }
            return;
        }
        if (divide) {
            UpdaterKernels.divide(g, gOff + b.start, len, d);
        }
        applyUpdater(b, iteration, epoch);
        UpdaterKernels.subtract(p, pOff + b.start, g, gOff + b.start, len);
    }

    /**
     * libnd4j's adam_updater in float: β^(t+1), α_t = η √(1 − β₂ᵗ⁺¹)/(1 − β₁ᵗ⁺¹), ε when that is 0, NaN or infinite.
     */
    private static float adamStepSize(double lr, float b1, float b2, float eps, int iteration) {
        float beta1T = (float) Math.pow(b1, iteration + 1);
        float beta2T = (float) Math.pow(b2, iteration + 1);
        float epsT = (float) lr * (float) Math.sqrt(1f - beta2T) / (1f - beta1T);
        if (Float.isNaN(epsT) || epsT == 0f || Float.isInfinite(epsT)) {
            epsT = eps;
        }
        return epsT;
    }

    /** DL4J's preApply: the layer's gradient normalisation. */
    private void normalise(LayerNorm ln) {
        double t = ln.threshold;
        int start = gOff + ln.start;
        int len = ln.end - ln.start;
        switch (ln.kind) {
            case RenormalizeL2PerLayer -> {
                double l2 = Math.sqrt(UpdaterKernels.sumSquares(g, start, len));
                UpdaterKernels.divide(g, start, len, (float) (l2 == 0.0 ? 1e-5 : l2));
            }
            case RenormalizeL2PerParamType -> {
                for (int[] r : ln.params) {
                    double l2 = Math.sqrt(UpdaterKernels.sumSquares(g, gOff + r[0], r[1] - r[0]));
                    UpdaterKernels.divide(g, gOff + r[0], r[1] - r[0], (float) (l2 == 0.0 ? 1e-5 : l2));
                }
            }
            case ClipElementWiseAbsoluteValue -> UpdaterKernels.clip(g, start, len, (float) -t, (float) t);
            case ClipL2PerLayer -> {
                double l2 = Math.sqrt(UpdaterKernels.sumSquares(g, start, len));
                if (l2 > t) {
                    UpdaterKernels.scale(g, start, len, (float) (t / l2));
                }
            }
            case ClipL2PerParamType -> {
                for (int[] r : ln.params) {
                    double l2 = Math.sqrt(UpdaterKernels.sumSquares(g, gOff + r[0], r[1] - r[0]));
                    if (l2 > t) {
                        UpdaterKernels.divide(g, gOff + r[0], r[1] - r[0], (float) (l2 / t));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown gradient normalisation " + ln.kind);
        }
    }

    /** L1/L2 before the updater (lr unused) or weight decay after it, over one parameter's range. */
    private void regularise(List<Regularization> regs, Param prm, double lr, int iteration, int epoch) {
        int len = prm.end - prm.start;
        for (Regularization r : regs) {
            if (r instanceof L2Regularization l2) {
                UpdaterKernels.axpy(
                        (float) l2.getL2().valueAt(iteration, epoch), p, pOff + prm.start, g, gOff + prm.start, len);
            } else if (r instanceof WeightDecay wd) {
                double scale = wd.getCoeff().valueAt(iteration, epoch);
                if (wd.isApplyLR()) {
                    scale *= lr;
                }
                UpdaterKernels.axpy((float) scale, p, pOff + prm.start, g, gOff + prm.start, len);
            } else if (r instanceof L1Regularization l1) {
                UpdaterKernels.l1(
                        (float) l1.getL1().valueAt(iteration, epoch), p, pOff + prm.start, g, gOff + prm.start, len);
            }
        }
    }

    /** The block's updater on its range of g; returns the learning rate weight decay scales with (1 without one). */
    private double applyUpdater(Block b, int iteration, int epoch) {
        int len = b.end - b.start;
        IUpdater u = b.updater;
        if (u instanceof Adam a) {
            double lr = a.getLearningRate(iteration, epoch);
            float b1 = (float) a.getBeta1();
            float b2 = (float) a.getBeta2();
            float eps = (float) a.getEpsilon();
            float epsT = adamStepSize(lr, b1, b2, eps, iteration);
            UpdaterKernels.adam(
                    g, gOff + b.start, s, sOff + b.stateStart, s, sOff + b.stateStart + len, len, b1, b2, eps, epsT);
            return lr;
        }
        if (u instanceof Nesterovs nv) {
            double lr = nv.getLearningRate(iteration, epoch);
            double mu = nv.currentMomentum(iteration, epoch);
            UpdaterKernels.nesterovs(g, gOff + b.start, s, sOff + b.stateStart, len, (float) lr, (float) mu);
            return lr;
        }
        if (u instanceof Sgd sgd) {
            double lr = sgd.getLearningRate(iteration, epoch);
            UpdaterKernels.scale(g, gOff + b.start, len, (float) lr);
            return lr;
        }
        return u.hasLearningRate() ? u.getLearningRate(iteration, epoch) : 1.0; // NoOp: the update is g itself
    }

    private static Method syncMethod(Class<?> c) {
        try {
            Method m = c.getDeclaredMethod("synchronizeIterEpochCounts");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The network's protected synchronizeIterEpochCounts (fit calls it at the end of every step). */
    private static void sync(Method m, Model model) {
        if (m == null) {
            return;
        }
        try {
            m.invoke(model);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("FastCore: cannot synchronise the iteration count", e);
        }
    }
}

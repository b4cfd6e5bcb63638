package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.sheetlab.core.backprop.HostTrainingPass;
import org.sheetlab.core.threads.DirectGemm;
import org.sheetlab.core.threads.HostThreads;

/**
 * {@link FastCore}'s forward and backward pass for a {@link MultiLayerNetwork} whose dense layers it computes itself
 * (the sheet's backprop, written once for DL4J's {@link DenseLayer} and {@link OutputLayer}): for layer l with input
 * a_{l−1} [B, n_in], z_l = a_{l−1} W_l + b_l, a_l = f(z_l); backward δ_l = ε_l ⊙ f'(z_l) (f' from a_l), ∂W_l =
 * a_{l−1}ᵀ δ_l, ∂b_l = Σ_rows δ_l, ε_{l−1} = δ_l W_lᵀ. Each product is one BLAS call ({@code Nd4j.gemm}) into arrays
 * kept between steps (one set per batch size), and the element passes are {@link DenseRowKernels}. Against DL4J's own
 * {@code BaseLayer.backpropGradient}, which it replaces, this
 *
 * <ul>
 *   <li>keeps a_l from the forward pass (DL4J computes z_l again in the backward pass: the forward product twice);
 *   <li>computes no ε for the lowest layer that has anything to learn, nor below it (DL4J computes the gradient with
 *       respect to the network's input too);
 *   <li>computes no ∂W, ∂b for the frozen layers ({@link FrozenLayerWithBackprop}, e.g. the GAN's discriminator
 *       inside G∘D), whose gradients DL4J computes and then sets to zero;
 *   <li>allocates nothing per step for these layers, and opens no workspaces.
 * </ul>
 *
 * <p>What it computes itself: {@link DenseLayer}s with identity, ReLU, LeakyReLU (α ≥ 0), sigmoid or tanh, with or
 * without bias, no dropout, weight noise or layer normalisation; the {@link OutputLayer} with sigmoid and {@link
 * LossBinaryXENT} or softmax and {@link LossMCXENT} (no loss weights); either one frozen (the last layer frozen as
 * MultiLayerNetwork treats it: its inner output layer computes its gradients, as in fit). Every other layer (the
 * reparameterization layer, convolutions, batch normalization, a dense layer with dropout, any other output layer)
 * and every input preprocessor runs its own forward and backward pass, without workspaces, where it stands in the
 * network; so does the regularisation score ({@code calcRegularizationScore}, e.g. the VAE's KL term). The update
 * stays FastCore's.
 *
 * <p>Each product is one {@code cblas_sgemm} ({@link DirectGemm}, on the operands as they lie; {@code
 * -Dsheetlab.blas.direct=false}: {@code Nd4j.gemm}). A product of at least {@value #SPLIT_MIN_MACS} multiply-adds is
 * split into blocks of its output's rows or columns computed at once on the host threads ({@link HostThreads}, the
 * rule of {@link DenseAdamStep}; {@code -Dsheetlab.fast.denseSplit=false}: one call on the calling thread). A
 * parameter-free layer between two dense layers that can run its training passes as host loops ({@link
 * HostTrainingPass}, e.g. the VAE's reparameterization layer) runs them into kept arrays ({@code
 * -Dsheetlab.fast.hostLayers=false}: its own passes). A sigmoid output's cross-entropy score and gradient are one
 * pass ({@code -Dsheetlab.fast.xentOnePass=false}: two, the same bits).
 *
 * <p>Results equal DL4J's up to float rounding (the same products; exp and tanh of the Vector API; sums in another
 * order); the tests check the whole step against fit (parameters and updater state after several steps, relative
 * 1e-5).
 */
final class DensePath {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** The most batch sizes whose arrays are kept (a GAN core sees one or two; the last batch of an epoch another). */
    private static final int MAX_BATCH_SIZES = 4;

    /** Products of at least this many multiply-adds are split over the host threads ({@link SplitRules}). */
    static final long SPLIT_MIN_MACS = SplitRules.DENSE_MIN_MACS;

    /** {@code -Dsheetlab.fast.denseSplit=false}: every product one BLAS call on the calling thread. */
    static final boolean SPLIT = !"false".equals(System.getProperty("sheetlab.fast.denseSplit"));

    /** {@code -Dsheetlab.fast.hostLayers=false}: {@link HostTrainingPass} layers run their own passes. */
    static final boolean HOST_LAYERS = !"false".equals(System.getProperty("sheetlab.fast.hostLayers"));

    /** {@code -Dsheetlab.fast.xentOnePass=false}: the sigmoid cross-entropy's score and gradient as two passes. */
    static final boolean XENT_ONE_PASS = !"false".equals(System.getProperty("sheetlab.fast.xentOnePass"));

    /** Losses of a handled output layer. */
    private static final int XENT = 1;

    private static final int MCXENT = 2;

    /** One layer as the dense path runs it. */
    private static final class Unit {
        final int index;
        /** The network's layer (for the layers not handled: the one whose own passes run). */
        final Layer layer;

        final InputPreProcessor pre;
        final boolean handled;
        final String name;
        // the handled layers only:
        boolean output;
        boolean frozen;
        int act;
        float alpha;
        int nIn;
        int nOut;
        INDArray w;
        INDArray gw;
        INDArray layerGradient;
        ByteBuffer bias;
        int biasOff;
        ByteBuffer biasGrad;
        int biasGradOff;
        int loss;
        float lo;
        float hi;
        boolean clip;
        /** Whether it computes its parameters' gradient, and ε for the layer below. */
        boolean trainable;

        boolean inputGradient;
        /** A layer the dense path does not compute that runs its training passes as host loops, else null. */
        HostTrainingPass host;

        int hostIn;
        int hostOut;

        Unit(int index, Layer layer, InputPreProcessor pre, boolean handled, String name) {
            this.index = index;
            this.layer = layer;
            this.pre = pre;
            this.handled = handled;
            this.name = name;
        }
    }

    /** The arrays of one batch size: per handled layer its outputs and ε for its input, f-order [n, B] = c-order [B, n]. */
    private final class Buffers {
        final INDArray[] outT;
        final INDArray[] out;
        final ByteBuffer[] outBytes;
        final INDArray[] epsT;
        final INDArray[] eps;
        /** The host layers' outputs [B, out] and ε for their inputs [B, in], c-order. */
        final INDArray[] hostOut;

        final INDArray[] hostEps;

        Buffers(int rows) {
            outT = new INDArray[units.length];
            out = new INDArray[units.length];
            outBytes = new ByteBuffer[units.length];
            epsT = new INDArray[units.length];
            eps = new INDArray[units.length];
            hostOut = new INDArray[units.length];
            hostEps = new INDArray[units.length];
            for (Unit u : units) {
                if (u.host != null) {
                    hostOut[u.index] = Nd4j.create(DataType.FLOAT, new long[] {rows, u.hostOut}, 'c');
                    hostEps[u.index] = Nd4j.create(DataType.FLOAT, new long[] {rows, u.hostIn}, 'c');
                    kept.put(hostOut[u.index], Boolean.TRUE);
                    kept.put(hostEps[u.index], Boolean.TRUE);
                }
                if (!u.handled) {
                    continue;
                }
                outT[u.index] = Nd4j.create(DataType.FLOAT, new long[] {u.nOut, rows}, 'f');
                out[u.index] = outT[u.index].transpose();
                outBytes[u.index] = bytes(outT[u.index]);
                kept.put(outT[u.index], Boolean.TRUE);
                kept.put(out[u.index], Boolean.TRUE);
                if (u.inputGradient) {
                    epsT[u.index] = Nd4j.create(DataType.FLOAT, new long[] {u.nIn, rows}, 'f');
                    eps[u.index] = epsT[u.index].transpose();
                    kept.put(epsT[u.index], Boolean.TRUE);
                    kept.put(eps[u.index], Boolean.TRUE);
                }
            }
        }
    }

    private final MultiLayerNetwork net;
    private final Unit[] units;
    private final boolean miniBatch;
    private final Map<Integer, Buffers> buffers = new LinkedHashMap<>();
    private final String description;

    /**
     * The arrays kept from step to step (parameters, gradients, buffers): the row and column blocks of a split product
     * are made once for these ({@link #blocks}), for any other operand at each step.
     */
    private final Map<INDArray, Boolean> kept = new IdentityHashMap<>();

    /** Blocks of kept arrays along axis 0 and 1, per array and part count. */
    private final Map<INDArray, INDArray[]>[] blockCache = newBlockCache();

    /** Whether the current step runs each host layer through its host passes (decided before its forward pass). */
    private final boolean[] hostNow;

    /** Whether {@link #computeGradientAndScore} keeps σ(z) of a sigmoid output layer for {@link #outputs}. */
    boolean keepOutputs;

    private float[] outputs;

    private DensePath(MultiLayerNetwork net, Unit[] units) {
        this.net = net;
        this.units = units;
        this.miniBatch = net.conf().isMiniBatch();
        this.hostNow = new boolean[units.length];
        for (Unit u : units) {
            if (u.handled) {
                kept.put(u.w, Boolean.TRUE);
                kept.put(u.gw, Boolean.TRUE);
            }
        }
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i < units.length - 1; i++) {
            Unit u = units[i];
            Unit prev = units[i - 1];
            if (HOST_LAYERS
                    && !u.handled
                    && u.layer instanceof HostTrainingPass h
                    && u.pre == null
                    && units[i + 1].pre == null
                    && prev.handled
                    && !prev.output
                    && u.layer.numParams() == 0) {
                int w = h.hostOutputWidth(prev.nOut);
                if (w > 0) {
                    u.host = h;
                    u.hostIn = prev.nOut;
                    u.hostOut = w;
                    hosts.add(u.name);
                }
            }
        }
        int lowest = units.length;
        for (Unit u : units) {
            boolean learns = u.handled ? !u.frozen : u.layer.numParams() > 0;
            if (learns) {
                lowest = Math.min(lowest, u.index);
            }
        }
        List<String> own = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        for (Unit u : units) {
            if (u.handled) {
                u.trainable = !u.frozen;
                u.inputGradient = u.index > lowest;
                if (u.frozen && u.layerGradient != null) {
                    u.layerGradient.assign(0); // what FrozenLayerWithBackprop leaves in it
                }
                own.add(u.name);
            } else if (u.host == null) {
                theirs.add(u.name);
            }
        }
        this.lowest = lowest;
        this.description = "dense path over " + String.join(", ", own)
                + (theirs.isEmpty() ? "" : "; their own passes: " + String.join(", ", theirs))
                + (hosts.isEmpty() ? "" : "; as host loops: " + String.join(", ", hosts))
                + "; products: " + DirectGemm.routine()
                + (SPLIT && HostThreads.maxParts() > 1
                        ? ", split over " + HostThreads.maxParts() + " threads from " + SPLIT_MIN_MACS
                                + " multiply-adds"
                        : ", one thread")
                + (XENT_ONE_PASS ? "" : "; cross-entropy in two passes")
                + (!UpdaterKernels.VECTOR_API
                        ? "; scalar loops"
                        : DenseRowKernels.POLY_MATH ? "; exp/log/tanh: VectorMath" : "; exp/log/tanh: lanewise ops");
    }

    /** The lowest layer with parameters to learn: no ε is computed for it, nothing runs backward below it. */
    private final int lowest;

    /** "dense path over layer 0 (DenseLayer), …; their own passes: layer 2 'z' (Reparameterization)". */
    String description() {
        return description;
    }

    /** Whether some layer the dense path does not compute has parameters (so it runs its own backward pass). */
    static boolean hasOtherParameterLayers(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            if (handledConf(net, i) == null && net.getLayer(i).numParams() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The dense path over {@code net} when it computes at least one of its layers with parameters and every layer
     * with parameters, or with {@code mixed} any network whose other layers run their own passes; else null.
     */
    static DensePath of(MultiLayerNetwork net, boolean mixed) {
        int n = net.getnLayers();
        if (n == 0 || !(net.getOutputLayer() instanceof IOutputLayer)) {
            return null;
        }
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView();
        }
        Unit[] units = new Unit[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            Layer l = net.getLayer(i);
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
            Unit u = handle(net, i, pre);
            if (u == null) {
                if (!mixed && l.numParams() > 0) {
                    return null;
                }
                u = new Unit(i, l, pre, false, FastCore.describe(l));
            } else {
                any = true;
            }
            units[i] = u;
        }
        return any ? new DensePath(net, units) : null;
    }

    /** The inner layer of layer i when the dense path computes it (its configuration checked), else null. */
    private static Layer handledConf(MultiLayerNetwork net, int i) {
        Layer l = net.getLayer(i);
        Layer inner = l instanceof FrozenLayerWithBackprop f ? f.getInsideLayer() : l;
        org.deeplearning4j.nn.conf.layers.Layer c = inner.conf().getLayer();
        boolean last = i == net.getnLayers() - 1;
        boolean dense = c.getClass() == DenseLayer.class;
        boolean out = c.getClass() == OutputLayer.class && last;
        if (!dense && !out) {
            return null;
        }
        BaseLayer bl = (BaseLayer) c;
        if (bl.getIDropout() != null || bl.getWeightNoise() != null) {
            return null;
        }
        if (dense && ((DenseLayer) c).hasLayerNorm()) {
            return null;
        }
        if (out) {
            if (lossOf((OutputLayer) c) == 0) {
                return null;
            }
        } else if (activationOf(bl.getActivationFn()) < 0) {
            return null;
        }
        INDArray w = inner.getParam("W");
        if (w == null || w.rank() != 2 || w.dataType() != DataType.FLOAT || w.ordering() != 'f') {
            return null;
        }
        return inner;
    }

    /** The {@link DenseRowKernels} activation of f, or −1 when the dense path does not compute it. */
    private static int activationOf(IActivation f) {
        if (f == null) {
            return -1;
        }
        if (f.getClass() == ActivationIdentity.class) {
            return DenseRowKernels.IDENTITY;
        }
        if (f.getClass() == ActivationReLU.class && new ActivationReLU().equals(f)) {
            return DenseRowKernels.RELU;
        }
        if (f.getClass() == ActivationLReLU.class && ((ActivationLReLU) f).getAlpha() >= 0) {
            return DenseRowKernels.LEAKY_RELU;
        }
        if (f.getClass() == ActivationSigmoid.class) {
            return DenseRowKernels.SIGMOID;
        }
        if (f.getClass() == ActivationTanH.class) {
            return DenseRowKernels.TANH;
        }
        return -1;
    }

    /** XENT (sigmoid, binary cross-entropy), MCXENT (softmax, categorical cross-entropy), or 0: not computed here. */
    private static int lossOf(OutputLayer c) {
        ILossFunction loss = c.getLossFn();
        IActivation f = c.getActivationFn();
        if (loss != null
                && loss.getClass() == LossBinaryXENT.class
                && ((LossBinaryXENT) loss).getWeights() == null
                && f != null
                && f.getClass() == ActivationSigmoid.class) {
            return XENT;
        }
        if (loss != null
                && loss.getClass() == LossMCXENT.class
                && ((LossMCXENT) loss).getWeights() == null
                && f != null
                && f.getClass() == ActivationSoftmax.class) {
            return MCXENT;
        }
        return 0;
    }

    private static Unit handle(MultiLayerNetwork net, int i, InputPreProcessor pre) {
        Layer inner = handledConf(net, i);
        if (inner == null) {
            return null;
        }
        Layer l = net.getLayer(i);
        BaseLayer c = (BaseLayer) inner.conf().getLayer();
        Unit u = new Unit(i, l, pre, true, FastCore.describe(l));
        u.frozen = l instanceof FrozenLayerWithBackprop;
        u.output = c instanceof OutputLayer;
        u.w = inner.getParam("W");
        u.nIn = (int) u.w.size(0);
        u.nOut = (int) u.w.size(1);
        INDArray params = inner.params();
        INDArray grads = inner.getGradientsViewArray();
        if (grads == null || params == null) {
            return null;
        }
        INDArray flatGrads = grads.reshape(grads.length());
        int wAt = (int) (u.w.offset() - params.offset());
        u.layerGradient = grads;
        u.gw = flatGrads
                .get(NDArrayIndex.interval(wAt, wAt + (long) u.nIn * u.nOut))
                .reshape('f', u.nIn, u.nOut);
        boolean hasBias = c instanceof DenseLayer d ? d.hasBias() : ((OutputLayer) c).hasBias();
        if (hasBias) {
            INDArray b = inner.getParam("b");
            if (b == null || b.length() != u.nOut) {
                return null;
            }
            u.bias = bytes(b);
            u.biasOff = (int) b.offset();
            int bAt = (int) (b.offset() - params.offset());
            u.biasGrad = bytes(grads);
            u.biasGradOff = (int) grads.offset() + bAt;
        }
        if (u.output) {
            OutputLayer o = (OutputLayer) c;
            u.loss = lossOf(o);
            double eps = u.loss == XENT
                    ? ((LossBinaryXENT) o.getLossFn()).getClipEps()
                    : ((LossMCXENT) o.getLossFn()).getSoftmaxClipEps();
            u.lo = (float) eps;
            u.hi = (float) (1.0 - eps);
            u.clip = eps > 0;
            u.act = DenseRowKernels.IDENTITY; // the loss applies the output activation
        } else {
            u.act = activationOf(c.getActivationFn());
            u.alpha = c.getActivationFn() instanceof ActivationLReLU lr ? (float) lr.getAlpha() : 0f;
        }
        return u;
    }

    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ORDER);
    }

    /** Whether x [B, n] is FLOAT, row-major and contiguous (its elements at x.offset() + r·n + c). */
    private static boolean rowMajor(INDArray x) {
        return x.rank() == 2
                && x.dataType() == DataType.FLOAT
                && (x.size(1) == 1 || x.stride(1) == 1)
                && (x.size(0) == 1 || x.stride(0) == x.size(1))
                && !x.isEmpty();
    }

    private static INDArray rowMajorCopy(INDArray x) {
        return rowMajor(x) ? x : x.castTo(DataType.FLOAT).dup('c');
    }

    /** Whether a step on features x and labels y can run here (2-D FLOAT arrays of the shapes the layers take). */
    boolean accepts(INDArray x, INDArray y) {
        if (x == null || y == null || x.rank() < 2 || x.size(0) < 1 || x.size(0) > Integer.MAX_VALUE / 4) {
            return false;
        }
        Unit first = units[0];
        if (first.handled && first.pre == null && (x.rank() != 2 || x.size(1) != first.nIn)) {
            return false;
        }
        Unit last = units[units.length - 1];
        if (last.handled && (y.rank() != 2 || y.size(0) != x.size(0) || y.size(1) != last.nOut)) {
            return false;
        }
        return x.size(0) * (long) maxWidth() < Integer.MAX_VALUE / 4;
    }

    private int maxWidth() {
        int m = 1;
        for (Unit u : units) {
            if (u.handled) {
                m = Math.max(m, Math.max(u.nIn, u.nOut));
            }
        }
        return m;
    }

    /** Whether {@link #activate} takes x up to layer {@code last}: not the output layer, a first layer's shape. */
    boolean canActivate(INDArray x, int last) {
        if (last < 0 || last >= units.length - 1 || x == null || x.rank() < 2 || x.size(0) < 1) {
            return false;
        }
        Unit first = units[0];
        return !(first.handled && first.pre == null && (x.rank() != 2 || x.size(1) != first.nIn))
                && x.size(0) * (long) maxWidth() < Integer.MAX_VALUE / 4;
    }

    /**
     * Layers 0 … last in inference mode on x (the dense layers here, the others by {@code activate(x, false)}), the
     * result copied out of the kept arrays (which the next step overwrites).
     */
    INDArray activate(INDArray x, int last) {
        return activate(x, last, null);
    }

    /**
     * Whether {@link #activate(INDArray, int, INDArray)} can write layer {@code last}'s output for x straight into
     * {@code target}: a layer the dense path computes, target a FLOAT c-order contiguous [B, n_out].
     */
    boolean canActivateInto(INDArray x, int last, INDArray target) {
        return canActivate(x, last)
                && DirectGemm.direct() // Nd4j.gemm, the fallback, takes no view as its output
                && units[last].handled
                && target != null
                && rowMajor(target)
                && target.size(0) == x.size(0)
                && target.size(1) == units[last].nOut;
    }

    /**
     * {@link #activate(INDArray, int)}, layer {@code last}'s output written into {@code target} (when {@link
     * #canActivateInto}; null: a new array) and returned.
     */
    INDArray activate(INDArray x, int last, INDArray target) {
        int rows = (int) x.size(0);
        Buffers buf = buffers(rows);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray a = x;
        for (int i = 0; i <= last; i++) {
            Unit u = units[i];
            if (u.pre != null) {
                a = u.pre.preProcess(a, rows, mgr);
            }
            if (u.handled) {
                INDArray in = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
                if (i == last && target != null) {
                    // target [B, n] c-order is the f-order [n, B] the product writes
                    gemm(u.w, true, in, true, target.transpose(), true);
                    DenseRowKernels.biasActivation(
                            bytes(target), (int) target.offset(), rows, u.nOut, u.bias, u.biasOff, u.act, u.alpha);
                    return target;
                }
                gemm(u.w, true, in, true, buf.outT[i], true);
                DenseRowKernels.biasActivation(buf.outBytes[i], 0, rows, u.nOut, u.bias, u.biasOff, u.act, u.alpha);
                a = buf.out[i];
            } else {
                a = u.layer.activate(a, false, mgr);
            }
        }
        return a.dup('c');
    }

    /** σ(z) of the last step's sigmoid output ([B, n] row by row) when {@link #keepOutputs} asked for it, else null. */
    float[] outputs() {
        return outputs;
    }

    private Buffers buffers(int rows) {
        Buffers b = buffers.get(rows);
        if (b == null) {
            if (buffers.size() >= MAX_BATCH_SIZES) {
                for (Buffers old : buffers.values()) {
                    for (INDArray[] arrays :
                            new INDArray[][] {old.outT, old.out, old.epsT, old.eps, old.hostOut, old.hostEps}) {
                        for (INDArray a : arrays) {
                            if (a != null) {
                                kept.remove(a);
                                blockCache[0].remove(a);
                                blockCache[1].remove(a);
                            }
                        }
                    }
                }
                buffers.clear();
            }
            b = new Buffers(rows);
            buffers.put(rows, b);
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    private static Map<INDArray, INDArray[]>[] newBlockCache() {
        return new Map[] {new IdentityHashMap<>(), new IdentityHashMap<>()};
    }

    /**
     * How many blocks a product of {@code macs} multiply-adds whose split dimension has {@code size} entries is cut
     * into: 1 below {@link #SPLIT_MIN_MACS}, with one thread or without {@link DirectGemm#direct()}; else as many as the threads, with at least {@link
     * DenseAdamStep#MIN_MACS_PER_PART} multiply-adds and {@link DenseAdamStep#MIN_COLUMNS_PER_PART} entries each.
     */
    static int partsFor(long macs, int size) {
        int threads = HostThreads.maxParts();
        if (!SPLIT || threads < 2 || macs < SPLIT_MIN_MACS || !DirectGemm.direct()) {
            // (Nd4j.gemm, the fallback, takes no view as its output)
            return 1;
        }
        long k = Math.min(
                threads, Math.min(macs / DenseAdamStep.MIN_MACS_PER_PART, size / DenseAdamStep.MIN_COLUMNS_PER_PART));
        return (int) Math.max(1, k);
    }

    /** x cut along {@code axis} into {@code parts} near-equal blocks (HostThreads.split's ranges); kept for kept x. */
    private INDArray[] blocks(INDArray x, int axis, int parts) {
        INDArray[] b = blockCache[axis].get(x);
        if (b != null && b.length == parts) {
            return b;
        }
        long size = x.size(axis);
        b = new INDArray[parts];
        for (int k = 0; k < parts; k++) {
            long e0 = k * size / parts;
            long e1 = (k + 1) * size / parts;
            b[k] = axis == 0
                    ? x.get(NDArrayIndex.interval(e0, e1), NDArrayIndex.all())
                    : x.get(NDArrayIndex.all(), NDArrayIndex.interval(e0, e1));
        }
        if (kept.containsKey(x)) {
            blockCache[axis].put(x, b);
        }
        return b;
    }

    /**
     * C = op(A)·op(B) into c ({@link DirectGemm}); a large product with its output's rows ({@code byRows}: the rows
     * of op(A)) or columns (the columns of op(B)) cut into blocks computed at once on the host threads, each one
     * single-threaded BLAS call. Each output element is computed by one call, the same way at every step.
     */
    private void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, boolean byRows) {
        long m = c.size(0);
        long n = c.size(1);
        long k = transA ? a.size(0) : a.size(1);
        int parts = partsFor(m * n * k, (int) (byRows ? m : n));
        if (parts < 2) {
            DirectGemm.gemm(a, b, c, transA, transB);
            return;
        }
        INDArray[] as = byRows ? blocks(a, transA ? 1 : 0, parts) : null;
        INDArray[] bs = byRows ? null : blocks(b, transB ? 0 : 1, parts);
        INDArray[] cs = blocks(c, byRows ? 0 : 1, parts);
        HostThreads.split(parts, parts, (part, k0, k1) -> {
            for (int q = k0; q < k1; q++) {
                DirectGemm.gemm(byRows ? as[q] : a, byRows ? b : bs[q], cs[q], transA, transB);
            }
        });
    }

    /**
     * The network's forward and backward pass on x [B, n_in] with labels y: the gradient into the network's flat
     * gradient view (the sum over the batch, as DL4J's), the score set on the network and returned (the loss averaged
     * over the batch plus the regularisation score, as {@code computeGradientAndScore}).
     */
    double computeGradientAndScore(INDArray x, INDArray y) {
        int rows = (int) x.size(0);
        int n = units.length;
        Buffers buf = buffers(rows);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray[] inputs = new INDArray[n];
        outputs = null;
        INDArray a = x;
        Unit last = units[n - 1];
        for (Unit u : units) {
            if (u.pre != null) {
                a = u.pre.preProcess(a, rows, mgr);
            }
            inputs[u.index] = a;
            if (u == last && !u.handled) {
                break; // an output layer of its own: its backward pass computes its forward pass
            }
            hostNow[u.index] = false;
            if (u.handled) {
                INDArray in = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
                inputs[u.index] = in;
                gemm(u.w, true, in, true, buf.outT[u.index], true);
                DenseRowKernels.biasActivation(
                        buf.outBytes[u.index], 0, rows, u.nOut, u.bias, u.biasOff, u.act, u.alpha);
                a = buf.out[u.index];
            } else if (u.host != null && u.host.hostPassReady()) {
                // the input is the dense layer below's kept output, c-order [B, hostIn] at 0
                hostNow[u.index] = true;
                u.host.hostForward(buf.outBytes[u.index - 1], 0, rows, bytes(buf.hostOut[u.index]), 0);
                a = buf.hostOut[u.index];
            } else {
                a = u.layer.activate(a, true, mgr);
            }
        }
        // the output layer: ∂L/∂z and the loss
        INDArray eps;
        ByteBuffer epsBytes;
        int epsOff;
        double loss = 0;
        IOutputLayer own = null;
        if (last.handled) {
            INDArray labels = rowMajorCopy(y);
            ByteBuffer zb = buf.outBytes[last.index];
            ByteBuffer yb = bytes(labels);
            int yOff = (int) labels.offset();
            int len = rows * last.nOut;
            if (last.loss == XENT) {
                if (keepOutputs) {
                    float[] o = new float[len];
                    zb.asFloatBuffer().get(0, o, 0, len);
                    for (int i = 0; i < len; i++) {
                        o[i] = 1f / (1f + (float) Math.exp(-o[i]));
                    }
                    outputs = o;
                }
                if (XENT_ONE_PASS) {
                    loss = -SigmoidXentKernels.logLikelihoodAndGradient(
                            zb, 0, yb, yOff, len, last.lo, last.hi, last.clip);
                } else {
                    loss = -SigmoidXentKernels.logLikelihood(zb, 0, yb, yOff, len, last.lo, last.hi, last.clip);
                    SigmoidXentKernels.gradient(zb, 0, yb, yOff, len, last.lo, last.hi, last.clip);
                }
            } else {
                loss = DenseRowKernels.softmaxCrossEntropy(
                        zb, 0, yb, yOff, rows, last.nOut, last.lo, last.hi, last.clip);
            }
            eps = buf.out[last.index];
            epsBytes = zb;
            epsOff = 0;
        } else {
            own = (IOutputLayer) net.getOutputLayer();
            own.setInput(inputs[last.index], mgr);
            own.setLabels(y);
            Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> p = ((Layer) own).backpropGradient(null, mgr);
            eps = p.getSecond();
            epsBytes = null;
            epsOff = 0;
            if (last.pre != null && last.index > lowest) {
                eps = last.pre.backprop(eps, rows, mgr);
            }
        }
        // backward, from the output layer (handled: its δ is in place) down to the lowest layer that learns
        for (int i = own == null ? n - 1 : n - 2; i >= lowest; i--) {
            Unit u = units[i];
            if (u.handled) {
                if (epsBytes == null) {
                    eps = rowMajorCopy(eps);
                    epsBytes = bytes(eps);
                    epsOff = (int) eps.offset();
                }
                if (!u.output) {
                    DenseRowKernels.activationGradient(
                            epsBytes, epsOff, buf.outBytes[i], 0, rows * u.nOut, u.act, u.alpha);
                }
                if (u.trainable) {
                    gemm(inputs[i], true, eps, false, u.gw, false);
                    if (u.bias != null) {
                        DenseRowKernels.columnSums(epsBytes, epsOff, rows, u.nOut, u.biasGrad, u.biasGradOff);
                    }
                }
                if (u.inputGradient) {
                    gemm(u.w, false, eps, true, buf.epsT[i], true);
                    eps = buf.eps[i];
                    epsBytes = bytes(buf.epsT[i]);
                    epsOff = 0;
                } else {
                    eps = null;
                }
            } else if (hostNow[i]) {
                if (epsBytes == null) {
                    eps = rowMajorCopy(eps);
                    epsBytes = bytes(eps);
                    epsOff = (int) eps.offset();
                }
                u.host.hostBackward(epsBytes, epsOff, rows, bytes(buf.hostEps[i]), 0);
                eps = buf.hostEps[i];
                epsBytes = bytes(eps);
                epsOff = 0;
            } else {
                eps = u.layer.backpropGradient(eps, mgr).getSecond();
                epsBytes = null;
            }
            if (u.pre != null && i > lowest && eps != null) {
                eps = u.pre.backprop(eps, rows, mgr);
                epsBytes = null;
            }
        }
        double reg = net.calcRegularizationScore(true);
        double score;
        if (own != null) {
            score = own.computeScore(reg, true, mgr);
        } else {
            score = miniBatch ? loss / rows : loss;
            score += reg;
        }
        net.setScore(score);
        return score;
    }
}

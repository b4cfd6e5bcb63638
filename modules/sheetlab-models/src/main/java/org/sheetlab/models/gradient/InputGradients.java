package org.sheetlab.models.gradient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.weightnoise.IWeightNoise;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The gradient of a loss with respect to a network's <em>inputs</em>, dL/dx, for a MultiLayerNetwork and a
 * ComputationGraph alike (sheet: backpropagation, the chain rule carried one step past the first layer; saliency maps
 * and style transfer read it). DL4J's {@code MultiLayerNetwork.calculateGradients} runs in training mode (dropout on),
 * and M2.1's {@code ComputationGraph.backpropGradient} returns only the parameter gradients and clears the input
 * gradients; this class does the backward pass itself, vertex by vertex, and keeps them.
 *
 * <p>What L is:
 * <ul>
 *   <li>{@link #of(MultiLayerNetwork, INDArray, INDArray) of(net, x, y)}: the network's own output-layer loss on the
 *       labels y, summed over the batch, L = Σ_b ℓ(f(x_b), y_b) (summed over the output layers of a graph). This is
 *       DL4J's backprop convention: {@link Result#score()} is the network's score, the batch <em>mean</em> L/B plus
 *       the regularization term (which does not depend on x), so dL/dx = B · d score/dx. Row b of dL/dx is
 *       ∂ℓ_b/∂x_b, example b's own loss gradient: the per-example saliency.</li>
 *   <li>{@link #ofOutput(MultiLayerNetwork, INDArray, INDArray) ofOutput(net, x, g)}: an external gradient g =
 *       dL/d(output) of a loss computed outside the network on its output <em>activations</em> (style transfer: the
 *       Gram-matrix loss on a feature map; saliency: g = one-hot of class c gives d p_c/dx). L = Σ g ⊙ output is the
 *       linearisation; no labels, no score. An output layer is then read as its activation: for a dense
 *       {@code OutputLayer} (and a {@code LossLayer}) the gradient goes through its activation (e.g. softmax), not
 *       its loss; other output layers (RnnOutputLayer, CnnLossLayer, …) are refused.</li>
 * </ul>
 *
 * <p>Shapes: one gradient per network input, each the shape of that input as given (x [B, n_in] → dL/dx [B, n_in];
 * a flat image [B, 784] with a convolutionalFlat input type → [B, 784]; [B, C, H, W] → [B, C, H, W]; [B, V, T] →
 * [B, V, T]), in the network's data type; an external gradient g has the shape of its output, e.g. [B, K] or
 * [B, C, H, W]. Inputs of a graph that reach no output get zeros.
 *
 * <p>The network is evaluated in <b>inference mode</b>, the function {@code output(x)} computes: no dropout or weight
 * noise (their configurations are set aside for the call and restored), batch normalization with its running mean
 * and variance (whose backward pass is done here, dL/dx = dL/dy · γ/σ_running, since DL4J's assumes batch
 * statistics). Frozen layers pass the gradient through (their parameters stay frozen: nothing is ever updated). The
 * call never changes parameters, updater state, the network's stored input or labels, or the caller's arrays; it
 * overwrites the network's gradient view (as a gradient computation does) and the layers' cached inputs. Masks are not
 * supported. Not thread-safe against concurrent use of the same network.
 *
 * <pre>{@code
 * InputGradients.Result r = InputGradients.of(net, x, y);          // MultiLayerNetwork: r.gradient() [B, n_in]
 * INDArray saliency = InputGradients.ofOutput(net, x, oneHotOfClassC);  // d p_c / dx, [B, n_in]
 * List<INDArray> g = InputGradients.of(graph, new INDArray[] {a, b}, new INDArray[] {y}).gradients();  // dL/da, dL/db
 * }</pre>
 */
public final class InputGradients {
    private InputGradients() {}

    /**
     * The input gradients and the score.
     *
     * @param score the network's score on the labels (batch-mean loss + regularization), NaN for an external gradient
     * @param gradients dL/dx per network input, in the network's input order, each shaped like its input
     */
    public record Result(double score, List<INDArray> gradients) {
        public Result {
            gradients = List.copyOf(gradients);
        }

        /** The gradient of a single-input network. */
        public INDArray gradient() {
            if (gradients.size() != 1) {
                throw new IllegalStateException(
                        "the network has " + gradients.size() + " inputs: use gradients().get(i)");
            }
            return gradients.get(0);
        }
    }

    /** {@link #of(MultiLayerNetwork, INDArray, INDArray)} or {@link #of(ComputationGraph, INDArray[], INDArray[])}. */
    public static Result of(Model model, INDArray[] features, INDArray[] labels) {
        if (model instanceof MultiLayerNetwork net) {
            if (features.length != 1 || labels.length != 1) {
                throw new IllegalArgumentException("InputGradients: a MultiLayerNetwork takes one features array and "
                        + "one labels array, got " + features.length + " and " + labels.length);
            }
            return of(net, features[0], labels[0]);
        }
        if (model instanceof ComputationGraph graph) {
            return of(graph, features, labels);
        }
        throw new IllegalArgumentException("InputGradients: a MultiLayerNetwork or a ComputationGraph is required, got "
                + (model == null ? "null" : model.getClass().getSimpleName()));
    }

    /** dL/dx [shape of x] of the network's output-layer loss L = Σ_b ℓ(f(x_b), y_b), and the score. */
    public static Result of(MultiLayerNetwork net, INDArray features, INDArray labels) {
        requireArray(features, "features");
        requireArray(labels, "labels (for an external dL/doutput use ofOutput)");
        return inInferenceMode(net.getLayers(), () -> chain(net, features, labels, null));
    }

    /** dL/dx [shape of x] for an external {@code outputGradient} = dL/d(output), shaped like {@code net.output(x)}. */
    public static INDArray ofOutput(MultiLayerNetwork net, INDArray features, INDArray outputGradient) {
        requireArray(features, "features");
        requireArray(outputGradient, "outputGradient");
        return inInferenceMode(net.getLayers(), () -> chain(net, features, null, outputGradient))
                .gradient();
    }

    /** dL/dx_i for every input i of the graph's output-layer loss on {@code labels} (one per output), and the score. */
    public static Result of(ComputationGraph graph, INDArray[] features, INDArray[] labels) {
        checkCount(graph.getConfiguration().getNetworkOutputs(), labels, "labels arrays");
        return inInferenceMode(
                graph.getLayers(),
                () -> withInputs(graph, features, () -> graph(graph, features, labels, null, null, null)));
    }

    /**
     * dL/dx_i for every input i given external gradients dL/d(output_k), one per graph output in
     * {@code setOutputs} order, each shaped like that output.
     */
    public static List<INDArray> ofOutput(ComputationGraph graph, INDArray[] features, INDArray... outputGradients) {
        checkCount(graph.getConfiguration().getNetworkOutputs(), outputGradients, "output gradients");
        return inInferenceMode(
                        graph.getLayers(),
                        () -> withInputs(
                                graph, features, () -> graph(graph, features, null, outputGradients, null, null)))
                .gradients();
    }

    /**
     * A loss computed outside the network on the activations of some of its vertices (style transfer: content and
     * Gram-matrix losses on intermediate feature maps): given those activations by vertex name, it returns dL/dA for
     * each vertex it depends on, each shaped like that activation (a vertex it leaves out contributes nothing).
     */
    @FunctionalInterface
    public interface ActivationLoss {
        Map<String, INDArray> gradients(Map<String, INDArray> activations);
    }

    /**
     * dL/dx_i for every input i of a loss on the activations of the named {@code vertices}, which need not be outputs
     * (e.g. {@code block1_conv1} … {@code block5_conv1} of VGG19): one inference-mode forward pass that computes only
     * those vertices and what they depend on (so a graph whose later layers do not fit the input size still works),
     * then {@code loss} on their activations A_v [each vertex's output shape], then one backward pass seeded with its
     * dL/dA_v at every vertex, summed where paths meet: dL/dx = Σ_v (∂A_v/∂x)ᵀ dL/dA_v. The activations given to
     * {@code loss} are the network's own arrays: read them, do not modify them.
     *
     * @throws IllegalArgumentException naming a vertex the graph does not have (with the names it has), or a returned
     *     gradient of the wrong shape or for a vertex that was not asked for
     */
    public static List<INDArray> ofActivations(
            ComputationGraph graph, INDArray[] features, Collection<String> vertices, ActivationLoss loss) {
        if (vertices == null || vertices.isEmpty() || loss == null) {
            throw new IllegalArgumentException(
                    "InputGradients.ofActivations: give at least one vertex name and a loss");
        }
        for (String name : vertices) {
            if (graph.getVertex(name) == null) {
                List<String> names = new ArrayList<>();
                for (GraphVertex v : graph.getVertices()) {
                    names.add(v.getVertexName());
                }
                throw new IllegalArgumentException("InputGradients.ofActivations: the graph has no vertex '" + name
                        + "'; its vertices are " + names);
            }
        }
        return inInferenceMode(
                        graph.getLayers(),
                        () -> withInputs(graph, features, () -> graph(graph, features, null, null, vertices, loss)))
                .gradients();
    }

    private static Result chain(MultiLayerNetwork net, INDArray features, INDArray labels, INDArray outputGradient) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        if (net.getGradientsViewArray() == null) {
            net.initGradientsView(); // the layers' backward passes write their parameter gradients there
        }
        DataType type = net.params().dataType();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        int n = net.getnLayers();
        int batch = (int) features.size(0);
        INDArray[] layerInputs = new INDArray[n];
        INDArray a = features.castTo(type).dup();
        for (int i = 0; i < n; i++) {
            InputPreProcessor p = conf.getInputPreProcess(i);
            if (p != null) {
                a = p.preProcess(a, batch, mgr);
            }
            layerInputs[i] = a;
            a = net.getLayer(i).activate(a, false, mgr);
        }
        Layer last = net.getLayer(n - 1);
        double score = Double.NaN;
        INDArray eps;
        if (labels != null) {
            IOutputLayer out = outputLayer(last, "layer " + (n - 1));
            out.setLabels(labels.castTo(type));
            score = out.computeScore(net.calcRegularizationScore(true), false, mgr);
            eps = last.backpropGradient(null, mgr).getSecond();
        } else {
            checkShape(outputGradient, a, "the network's output");
            eps = backward(last, layerInputs[n - 1], outputGradient.castTo(type), true, mgr);
        }
        for (int i = n - 1; i >= 0; i--) {
            if (i < n - 1) {
                eps = backward(net.getLayer(i), layerInputs[i], eps, false, mgr);
            }
            InputPreProcessor p = conf.getInputPreProcess(i);
            if (p != null) {
                eps = p.backprop(eps, batch, mgr);
            }
        }
        return new Result(score, List.of(eps.reshape(features.shape())));
    }

    private static Result graph(
            ComputationGraph graph,
            INDArray[] features,
            INDArray[] labels,
            INDArray[] outputGradients,
            Collection<String> seeds,
            ActivationLoss activationLoss) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        if (graph.getGradientsViewArray() == null) {
            graph.initGradientsView();
        }
        DataType type = graph.params().dataType();
        List<String> inputs = graph.getConfiguration().getNetworkInputs();
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        checkCount(inputs, features, "features arrays");
        GraphVertex[] vertices = graph.getVertices();
        int[] order = graph.topologicalSortOrder();
        int batch = (int) features[0].size(0);
        INDArray[] layerInputs = new INDArray[vertices.length];
        INDArray[] activations = new INDArray[vertices.length];
        boolean[] needed = seeds == null ? null : ancestors(graph, seeds);
        for (int idx : order) {
            GraphVertex v = vertices[idx];
            if (needed != null && !needed[idx]) {
                continue; // past the seeded vertices: its activation is not needed
            }
            INDArray out;
            if (v.isInputVertex()) {
                int i = inputs.indexOf(v.getVertexName());
                requireArray(features[i], "features[" + i + "] (input '" + v.getVertexName() + "')");
                out = features[i].castTo(type).dup();
            } else if (v instanceof LayerVertex lv) {
                INDArray in = layerInputs[idx];
                if (lv.getLayerPreProcessor() != null) {
                    in = lv.getLayerPreProcessor().preProcess(in, batch, mgr);
                }
                layerInputs[idx] = in;
                out = lv.getLayer().activate(in, false, mgr);
            } else {
                out = v.doForward(false, mgr);
            }
            activations[idx] = out;
            if (v.getOutputVertices() != null) {
                for (VertexIndices o : v.getOutputVertices()) {
                    GraphVertex to = vertices[o.getVertexIndex()];
                    if (to instanceof LayerVertex) {
                        layerInputs[o.getVertexIndex()] = out; // one input; preprocessed above, not by setInput
                    } else {
                        to.setInput(o.getVertexEdgeNumber(), out, mgr);
                    }
                }
            }
        }
        INDArray[] eps = new INDArray[vertices.length];
        boolean[] fromLabels = new boolean[vertices.length];
        double score = Double.NaN;
        if (labels != null) {
            score = graph.calcRegularizationScore(true);
        }
        if (seeds != null) {
            seed(graph, seeds, activationLoss, activations, eps);
        }
        for (int k = 0; seeds == null && k < outputs.size(); k++) {
            GraphVertex v = graph.getVertex(outputs.get(k));
            int idx = v.getVertexIndex();
            if (labels != null) {
                requireArray(labels[k], "labels[" + k + "] (output '" + outputs.get(k) + "')");
                IOutputLayer out = outputLayer(v.hasLayer() ? v.getLayer() : null, "output '" + outputs.get(k) + "'");
                out.setLabels(labels[k].castTo(type));
                score += out.computeScore(0.0, false, mgr);
                fromLabels[idx] = true;
            } else {
                requireArray(outputGradients[k], "outputGradients[" + k + "] (output '" + outputs.get(k) + "')");
                checkShape(outputGradients[k], activations[idx], "output '" + outputs.get(k) + "'");
                eps[idx] = outputGradients[k].castTo(type);
            }
        }
        for (int i = order.length - 1; i >= 0; i--) {
            int idx = order[i];
            GraphVertex v = vertices[idx];
            if (v.isInputVertex() || (eps[idx] == null && !fromLabels[idx])) {
                continue; // an input, or a vertex that reaches no output
            }
            INDArray[] inputEps;
            if (v instanceof LayerVertex lv) {
                INDArray d = fromLabels[idx]
                        ? lv.getLayer().backpropGradient(null, mgr).getSecond()
                        : backward(
                                lv.getLayer(),
                                layerInputs[idx],
                                eps[idx],
                                seeds == null && outputs.contains(v.getVertexName()),
                                mgr);
                if (d != null && lv.getLayerPreProcessor() != null) {
                    d = lv.getLayerPreProcessor().backprop(d, batch, mgr);
                }
                inputEps = new INDArray[] {d};
            } else {
                v.setEpsilon(eps[idx]);
                inputEps = v.doBackward(false, mgr).getSecond();
            }
            VertexIndices[] from = v.getInputVertices();
            for (int j = 0; j < from.length; j++) {
                INDArray e = inputEps[j];
                if (e != null) {
                    int to = from[j].getVertexIndex();
                    eps[to] = eps[to] == null ? e : eps[to].add(e);
                }
            }
        }
        List<INDArray> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            INDArray e = eps[graph.getVertex(inputs.get(i)).getVertexIndex()];
            out.add(e == null ? Nd4j.zeros(type, features[i].shape()) : e.reshape(features[i].shape()));
        }
        return new Result(score, out);
    }

    /** Marks the seeded vertices and every vertex they read from, directly or not. */
    private static boolean[] ancestors(ComputationGraph graph, Collection<String> seeds) {
        GraphVertex[] vertices = graph.getVertices();
        boolean[] needed = new boolean[vertices.length];
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
        for (String name : seeds) {
            todo.add(graph.getVertex(name).getVertexIndex());
        }
        while (!todo.isEmpty()) {
            int idx = todo.pop();
            if (!needed[idx]) {
                needed[idx] = true;
                VertexIndices[] from = vertices[idx].getInputVertices();
                if (from != null) {
                    for (VertexIndices f : from) {
                        todo.add(f.getVertexIndex());
                    }
                }
            }
        }
        return needed;
    }

    /** Calls the activation loss on the seeded vertices' activations and puts its dL/dA into {@code eps}. */
    private static void seed(
            ComputationGraph graph,
            Collection<String> seeds,
            ActivationLoss loss,
            INDArray[] activations,
            INDArray[] eps) {
        Map<String, INDArray> given = new LinkedHashMap<>();
        for (String name : seeds) {
            given.put(name, activations[graph.getVertex(name).getVertexIndex()]);
        }
        Map<String, INDArray> gradients = loss.gradients(java.util.Collections.unmodifiableMap(given));
        for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
            INDArray a = given.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("InputGradients.ofActivations: the loss returned a gradient for '"
                        + e.getKey() + "', which is not one of the vertices asked for " + given.keySet());
            }
            if (e.getValue() == null) {
                continue;
            }
            if (!Arrays.equals(e.getValue().shape(), a.shape())) {
                throw new IllegalArgumentException("InputGradients.ofActivations: dL/dA of '" + e.getKey()
                        + "' must have its activation's shape " + Arrays.toString(a.shape()) + "; got "
                        + Arrays.toString(e.getValue().shape()));
            }
            int idx = graph.getVertex(e.getKey()).getVertexIndex();
            INDArray g = e.getValue().castTo(a.dataType());
            eps[idx] = eps[idx] == null ? g : eps[idx].add(g);
        }
    }

    /**
     * Runs {@code body} with the graph's stored inputs set to {@code features} (vertices such as
     * DuplicateToTimeSeriesVertex read them), then restores the caller's.
     */
    private static <T> T withInputs(ComputationGraph graph, INDArray[] features, java.util.function.Supplier<T> body) {
        checkCount(graph.getConfiguration().getNetworkInputs(), features, "features arrays");
        INDArray[] saved = graph.getInputs() == null ? null : graph.getInputs().clone();
        DataType type = graph.params().dataType();
        INDArray[] cast = new INDArray[features.length];
        for (int i = 0; i < features.length; i++) {
            requireArray(features[i], "features[" + i + "]");
            cast[i] = features[i].castTo(type);
        }
        graph.setInputs(cast);
        try {
            return body.get();
        } finally {
            graph.setInputs(saved);
        }
    }

    /**
     * dL/d(layer input) [the layer's (preprocessed) input shape] from dL/d(layer output), in inference mode. A network
     * output layer given an external gradient is read as its activation.
     */
    private static INDArray backward(
            Layer layer, INDArray input, INDArray eps, boolean networkOutput, LayerWorkspaceMgr mgr) {
        Layer l = layer;
        if (layer instanceof FrozenLayer f) {
            // frozen: no parameter gradients, but the input gradient passes; the inner layer's backward pass writes
            // its (discarded) parameter gradients into a scratch view
            l = f.getInsideLayer();
            if (l.numParams() > 0 && l.getGradientsViewArray() == null) {
                l.setBackpropGradientsViewArray(Nd4j.create(eps.dataType(), 1, l.numParams()));
            }
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
        if (conf instanceof BatchNormalization bn) {
            return batchNormInference(l, bn, eps);
        }
        if (networkOutput && l instanceof IOutputLayer) {
            return outputActivationBackward(l, input, eps);
        }
        return l.backpropGradient(eps, mgr).getSecond();
    }

    /**
     * y = γ (x − μ)/σ + β with the running μ and σ = √(var + ε) (DL4J M2.1 stores var, or log₁₀ √var, and adds ε
     * when it reads them; measured): dL/dx = dL/dy · γ/σ, broadcast over the channel axis.
     */
    private static INDArray batchNormInference(Layer l, BatchNormalization bn, INDArray eps) {
        INDArray variance = bn.isUseLogStd()
                ? Transforms.pow(
                        Nd4j.valueArrayOf(
                                l.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)
                                        .shape(),
                                100.0,
                                eps.dataType()),
                        l.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD),
                        false)
                : l.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).dup();
        INDArray sigma = Transforms.sqrt(variance.addi(bn.getEps()), false);
        INDArray gamma = bn.isLockGammaBeta()
                ? Nd4j.valueArrayOf(sigma.shape(), bn.getGamma(), eps.dataType())
                : l.getParam(BatchNormalizationParamInitializer.GAMMA);
        INDArray scale = gamma.div(sigma).reshape(sigma.length());
        long c = scale.length();
        long[] shape = new long[eps.rank()];
        Arrays.fill(shape, 1);
        int channelAxis = eps.rank() == 4 && bn.getCnn2DFormat() == CNN2DFormat.NHWC ? 3 : 1;
        if (eps.rank() < 2 || eps.size(channelAxis) != c) {
            throw new IllegalArgumentException("InputGradients: BatchNormalization '" + bn.getLayerName() + "' with "
                    + c + " channels cannot read a gradient of shape " + Arrays.toString(eps.shape()));
        }
        shape[channelAxis] = c;
        return eps.mul(scale.reshape(shape));
    }

    /** Through a dense OutputLayer's or a LossLayer's activation: dL/dz = σ′(z)ᵀ g, then dL/dx = dL/dz · Wᵀ. */
    private static INDArray outputActivationBackward(Layer l, INDArray input, INDArray g) {
        org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
        if (conf instanceof org.deeplearning4j.nn.conf.layers.LossLayer loss) {
            return loss.getActivationFn().backprop(input.dup(), g).getFirst();
        }
        if (conf instanceof org.deeplearning4j.nn.conf.layers.OutputLayer out && input.rank() == 2) {
            INDArray w = l.getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray z = input.mmul(w);
            if (out.hasBias()) {
                z.addiRowVector(l.getParam(DefaultParamInitializer.BIAS_KEY));
            }
            INDArray dz = out.getActivationFn().backprop(z, g).getFirst();
            return dz.mmul(w.transpose());
        }
        throw new IllegalArgumentException("InputGradients.ofOutput: the network's output is a "
                + conf.getClass().getSimpleName() + " (a loss); an external dL/doutput can pass a dense OutputLayer or "
                + "a LossLayer only. Use of(model, features, labels) for its loss, or end the network with a layer "
                + "that is not an output layer (e.g. DenseLayer, ActivationLayer).");
    }

    private static IOutputLayer outputLayer(Layer layer, String where) {
        Layer l = layer instanceof FrozenLayer f ? f.getInsideLayer() : layer;
        if (l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop w) {
            l = w.getUnderlying(); // e.g. the GAN's stacked G∘D: D's frozen output layer still has its loss
        }
        if (l instanceof IOutputLayer out) {
            return out;
        }
        throw new IllegalArgumentException("InputGradients.of: " + where + " is "
                + (l == null ? "not a layer" : "a " + l.getClass().getSimpleName())
                + ", not an output layer with a loss, so labels have no loss to feed; pass dL/doutput to ofOutput "
                + "instead");
    }

    /** Runs {@code body} with every layer's dropout and weight noise set aside, then restores them. */
    private static <T> T inInferenceMode(Layer[] layers, java.util.function.Supplier<T> body) {
        Map<org.deeplearning4j.nn.conf.layers.Layer, IDropout> dropout = new IdentityHashMap<>();
        Map<BaseLayer, IWeightNoise> noise = new IdentityHashMap<>();
        for (Layer layer : layers) {
            Layer l = layer instanceof FrozenLayer f ? f.getInsideLayer() : layer;
            org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
            if (conf.getIDropout() != null) {
                dropout.put(conf, conf.getIDropout());
                conf.setIDropout(null);
            }
            if (conf instanceof BaseLayer b && b.getWeightNoise() != null) {
                noise.put(b, b.getWeightNoise());
                b.setWeightNoise(null);
            }
        }
        try {
            return body.get();
        } finally {
            dropout.forEach(org.deeplearning4j.nn.conf.layers.Layer::setIDropout);
            noise.forEach(BaseLayer::setWeightNoise);
        }
    }

    private static void requireArray(INDArray a, String what) {
        if (a == null) {
            throw new IllegalArgumentException("InputGradients: " + what + " must not be null");
        }
    }

    private static void checkCount(List<String> names, INDArray[] arrays, String what) {
        if (arrays == null || arrays.length != names.size()) {
            throw new IllegalArgumentException("InputGradients: the graph has " + names.size() + " " + names + " but "
                    + (arrays == null ? 0 : arrays.length) + " " + what + " were given");
        }
    }

    private static void checkShape(INDArray given, INDArray output, String what) {
        if (!Arrays.equals(given.shape(), output.shape())) {
            throw new IllegalArgumentException("InputGradients.ofOutput: dL/doutput must have the shape of " + what
                    + ", " + Arrays.toString(output.shape()) + "; got " + Arrays.toString(given.shape()));
        }
    }
}

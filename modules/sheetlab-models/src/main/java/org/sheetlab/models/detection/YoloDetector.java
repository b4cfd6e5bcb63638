package org.sheetlab.models.detection;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.NetworkBuilder;
import org.sheetlab.models.NetworkSpec;
import org.sheetlab.models.blocks.ConvBlocks;

/**
 * Sheet, "YOLO &amp; Object Detection": a YOLOv2-style detector, a small convolutional backbone ending in DL4J's
 * {@link Yolo2OutputLayer}, built as a ComputationGraph with input {@value #INPUT} and output layer {@value #OUTPUT}.
 *
 * <p><b>Network.</b> For {@code widths(w_0, …, w_{n−1})} (16, 32, 64, 128 by default):
 * <pre>
 *   image [B, C, H, W]
 *   stage0: conv 3×3 w_0 (same padding) → batch norm → leaky ReLU(0.1)                      [B, w_0, H, W]
 *   stage i (i = 1 … n−1): max pool 2×2 stride 2 → conv 3×3 w_i → BN → leaky ReLU           [B, w_i, H/2^i, W/2^i]
 *   head: conv 3×3 w_{n−1} → BN → leaky ReLU                                                [B, w_{n−1}, S_h, S_w]
 *   detect: conv 1×1 to nBoxes·(5+C) channels, linear (the raw t_x, t_y, t_w, t_h, t_o, t_c…)
 *   yolo: Yolo2OutputLayer (no parameters)                                                  [B, nBoxes·(5+C), S_h, S_w]
 * </pre>
 * The grid stride is s = 2^(n−1) (8 by default) and the grid S_h × S_w = H/s × W/s. This is the Tiny-YOLO pattern
 * (3×3 conv + BN + leaky ReLU 0.1, 2×2 max pooling between stages, a 3×3 conv and the 1×1 detection conv at the end),
 * shrunk for 96×96 grey canvases: stride 8 gives a 12×12 grid of 8-pixel cells, fine enough that two pasted items
 * rarely share a cell, and a receptive field of 54 pixels (3, 8, 18, 38 after the stages, 54 after the head), enough to
 * see a whole item (about 21–49 pixels tall in fashion-detect). A stride of 16 (6×6 cells) would put several items
 * in one cell; a stride of 4 would make the backbone's last stages four times dearer. H and W must be multiples of s.
 *
 * <p><b>Output.</b> Per cell (x, y) and prior b = 0 … nBoxes−1, channels b·(5+C) … b·(5+C)+4+C. {@code graph().output}
 * returns the activated values: σ(t_x), σ(t_y) (the centre inside the cell), p_w·e^{t_w}, p_h·e^{t_h} (the size in grid
 * cells, with the prior (p_w, p_h) of {@link Builder#anchors}), σ(t_o) = p_c, softmax over the C class channels;
 * {@link YoloDecoder} turns them into pixel boxes ({@link #detect}).
 *
 * <p><b>Labels</b> for training: [B, 4+C, S_h, S_w], per cell holding an object's centre its corners (x1, y1, x2, y2)
 * in grid units (0 … S_w, 0 … S_h) and its one-hot class; all zeros in a cell without an object.
 *
 * <p><b>Loss</b> (DL4J M2.1's Yolo2OutputLayer, YOLOv2 paper's terms; divided by the minibatch size B). 1^obj_ij = 1
 * for the prior j of cell i whose predicted box has the highest IoU with the cell's object, 1^noobj_ij = 1 − 1^obj_ij;
 * (x̂, ŷ) the label centre inside its cell, ŵ, ĥ its size in cells:
 * <pre>
 *   L = λ_coord Σ 1^obj_ij [(σ(t_x) − x̂)² + (σ(t_y) − ŷ)²]
 *     + λ_coord Σ 1^obj_ij [(√w − √ŵ)² + (√h − √ĥ)²]
 *     +         Σ 1^obj_ij (p_c − IoU(predicted, label))²
 *     + λ_noobj Σ 1^noobj_ij p_c²
 *     +         Σ 1^obj_ij Σ_c (P(c) − 1[c = class])²
 * </pre>
 * with λ_coord = 5 and λ_noobj = 0.5 by default (the paper's values). A perfect prediction (exact box, p_c = 1,
 * P(class) = 1, p_c = 0 elsewhere) has L = 0; the confidence target is the IoU of the predicted box, so a box error
 * also costs (1 − IoU)² in the confidence term.
 *
 * <pre>{@code
 * YoloDetector det = YoloDetector.builder()
 *         .inputShape(1, 96, 96).classes(10).anchors(priors)   // priors [nBoxes, 2] in grid cells
 *         .build();
 * det.graph().fit(images, labels);                            // [B, 1, 96, 96], [B, 4 + 10, 12, 12]
 * List<YoloDecoder.Detections> found = det.detect(testImages); // per image, then NonMaxSuppression
 * }</pre>
 */
public final class YoloDetector {
    /** The input's name. */
    public static final String INPUT = "image";

    /** The Yolo2OutputLayer's name. */
    public static final String OUTPUT = "yolo";

    /** The linear 1×1 convolution before the output layer, producing the raw [B, nBoxes·(5+C), S_h, S_w]. */
    public static final String DETECT = "detect";

    /** Slope of the leaky ReLU for negative inputs (YOLOv2's 0.1). */
    public static final double LEAKY_SLOPE = 0.1;

    private final Builder settings;
    private final ComputationGraph graph;
    private final boolean folded;

    private YoloDetector(Builder settings, ComputationGraph graph, boolean folded) {
        this.settings = settings;
        this.graph = graph;
        this.folded = folded;
    }

    /** A builder with the defaults: 1×96×96 input, widths 16, 32, 64, 128, λ_coord 5, λ_noobj 0.5, Adam(1e-3). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A detector around an existing graph of this builder's shape (e.g. one restored with ModelSerializer); the graph's
     * output layer must be a Yolo2OutputLayer named {@value #OUTPUT} with nBoxes·(5+C) input channels.
     */
    public static YoloDetector wrap(Builder settings, ComputationGraph graph) {
        settings.check();
        if (graph.getLayer(OUTPUT) == null || !(graph.getLayer(OUTPUT).conf().getLayer() instanceof Yolo2OutputLayer)) {
            throw new IllegalArgumentException("YoloDetector: the graph has no Yolo2OutputLayer named '" + OUTPUT
                    + "'; build it with YoloDetector.builder()…build().graph()");
        }
        return new YoloDetector(settings.copy(), graph, graph.getVertex("head_bn") == null);
    }

    /**
     * An inference copy of this detector with every batch norm folded into the convolution before it (the graph
     * without BN layers, each unit one conv with the leaky ReLU): for BN with scale γ, shift β, running mean μ and
     * σ = √(var + ε) as DL4J's inference uses it (it keeps log10 of a running standard deviation s and takes
     * var = s², adding ε once more), per output channel f
     * <pre>
     *   s_f = γ_f / σ_f,   W'_f = s_f·W_f  (W [F, C, K, K]),   b'_f = s_f·(b_f − μ_f) + β_f
     * </pre>
     * so that conv'(x) = BN(conv(x)) in inference mode. Same outputs as {@link #output} to float rounding, several
     * times faster: DL4J M2.1's BatchNormalization inference allocates and broadcasts full-size temporaries and took
     * about three quarters of the forward time (bench/results, bench yolo). Built from the current parameters (fold
     * again after more training); the copy is for {@link #detect}/{@link #output}: training it would train a network
     * without batch norm. Folding a folded detector returns it.
     */
    public YoloDetector foldedBatchNorm() {
        if (folded) {
            return this;
        }
        ComputationGraph fused = new ComputationGraph(settings.config(false));
        fused.init();
        for (String unit : settings.units()) {
            INDArray w = graph.getParam(unit + "_conv_W").castTo(DataType.DOUBLE);
            INDArray b =
                    graph.getParam(unit + "_conv_b").castTo(DataType.DOUBLE).reshape(-1);
            BatchNormalization bn =
                    (BatchNormalization) graph.getLayer(unit + "_bn").conf().getLayer();
            INDArray gamma =
                    graph.getParam(unit + "_bn_gamma").castTo(DataType.DOUBLE).reshape(-1);
            INDArray beta =
                    graph.getParam(unit + "_bn_beta").castTo(DataType.DOUBLE).reshape(-1);
            INDArray mean =
                    graph.getParam(unit + "_bn_mean").castTo(DataType.DOUBLE).reshape(-1);
            // as DL4J M2.1's inference path: var = (10^{log10 σ})² (or the var parameter), then √(var + ε)
            INDArray var = bn.isUseLogStd()
                    ? Transforms.exp(
                            graph.getParam(unit + "_bn_log10stdev")
                                    .castTo(DataType.DOUBLE)
                                    .reshape(-1)
                                    .mul(2 * Math.log(10)),
                            false)
                    : graph.getParam(unit + "_bn_var")
                            .castTo(DataType.DOUBLE)
                            .reshape(-1)
                            .dup();
            INDArray sigma = Transforms.sqrt(var.addi(bn.getEps()), false);
            INDArray scale = gamma.div(sigma);
            long f = w.size(0);
            INDArray wf = w.reshape('c', f, w.length() / f)
                    .mulColumnVector(scale.reshape(f, 1))
                    .reshape(w.shape());
            INDArray bf = b.sub(mean).muli(scale).addi(beta);
            fused.getParam(unit + "_W").assign(wf);
            fused.getParam(unit + "_b")
                    .assign(bf.reshape(fused.getParam(unit + "_b").shape()));
        }
        fused.getParam(DETECT + "_W").assign(graph.getParam(DETECT + "_W"));
        fused.getParam(DETECT + "_b").assign(graph.getParam(DETECT + "_b"));
        return new YoloDetector(settings.copy(), fused, true);
    }

    /** Whether this is the batch-norm-folded inference copy ({@link #foldedBatchNorm()}). */
    public boolean isFolded() {
        return folded;
    }

    /** The initialised graph: input {@value #INPUT} [B, C, H, W], output {@value #OUTPUT}. */
    public ComputationGraph graph() {
        return graph;
    }

    /** The number of anchor priors (boxes per cell). */
    public int nBoxes() {
        return settings.nBoxes();
    }

    /** The number of classes C. */
    public int classes() {
        return settings.classes;
    }

    /** The priors [nBoxes, 2] (width, height in grid cells), as given. */
    public INDArray anchors() {
        return settings.anchors.dup();
    }

    /** Input channels, height and width. */
    public int channels() {
        return settings.channels;
    }

    /** Input height H in pixels. */
    public int height() {
        return settings.height;
    }

    /** Input width W in pixels. */
    public int width() {
        return settings.width;
    }

    /** Pixels per grid cell, s = 2^(stages − 1). */
    public int gridStride() {
        return settings.gridStride();
    }

    /** Grid width S_w = W / s. */
    public int gridWidth() {
        return settings.gridWidth();
    }

    /** Grid height S_h = H / s. */
    public int gridHeight() {
        return settings.gridHeight();
    }

    /**
     * The candidates of each image of {@code images} [B, C, H, W] (inference mode: batch norm uses its running
     * statistics): the graph's activated output decoded by {@link YoloDecoder#decode} into pixel corner boxes,
     * scores p_c·max_c P(c), classes and confidences, nBoxes·S_h·S_w rows per image, not yet thresholded or
     * suppressed (use {@link org.sheetlab.core.detection.NonMaxSuppression}).
     *
     * @throws IllegalArgumentException when the images are not [B, C, H, W] of this detector's input shape
     */
    public List<YoloDecoder.Detections> detect(INDArray images) {
        if (images == null
                || images.rank() != 4
                || images.size(1) != settings.channels
                || images.size(2) != settings.height
                || images.size(3) != settings.width) {
            throw new IllegalArgumentException("YoloDetector.detect: images must be [B, " + settings.channels + ", "
                    + settings.height + ", " + settings.width + "] (NCHW, this detector's inputShape), got "
                    + (images == null ? "null" : Arrays.toString(images.shape())));
        }
        INDArray out = output(images);
        List<YoloDecoder.Detections> result = new ArrayList<>();
        for (int i = 0; i < images.size(0); i++) {
            result.add(YoloDecoder.decode(out, nBoxes(), i, settings.width, settings.height));
        }
        return result;
    }

    /** The activated output [B, nBoxes·(5+C), S_h, S_w] of {@code images} (inference mode). */
    public INDArray output(INDArray images) {
        DataType type = graph.getConfiguration().getDataType();
        INDArray x = images.dataType() == type ? images : images.castTo(type);
        return graph.output(false, x)[0];
    }

    /**
     * The detector's settings. The names are the detector's own (not the {@code setX/optX} of the other sheetlab
     * builders): {@code inputShape}, {@code classes}, {@code anchors} (required), {@code lambdaCoord},
     * {@code lambdaNoObj}, {@code seed}, {@code learningRate}, {@code widths}; {@code optDataType} (FLOAT by default,
     * DOUBLE for gradient checks) and {@code optUpdater} are inherited. A value out of range gives an
     * {@link org.sheetlab.core.settings.InvalidSettingException} naming it.
     */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements NetworkBuilder<YoloDetector> {
        private static final String OWNER = "YoloDetector";
        private int channels = 1;
        private int height = 96;
        private int width = 96;
        private int classes = -1;
        private INDArray anchors;
        private double lambdaCoord = 5.0;
        private double lambdaNoObj = 0.5;
        private int[] widths = {16, 32, 64, 128};

        private Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        private Builder copy() {
            Builder b = new Builder();
            b.channels = channels;
            b.height = height;
            b.width = width;
            b.classes = classes;
            b.anchors = anchors == null ? null : anchors.dup();
            b.lambdaCoord = lambdaCoord;
            b.lambdaNoObj = lambdaNoObj;
            b.widths = widths.clone();
            b.seed = seed;
            b.updater = updater;
            b.dataType = dataType;
            return b;
        }

        /** Input channels, height and width in pixels (1, 96, 96 by default); H and W multiples of the stride. */
        public Builder inputShape(int channels, int height, int width) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            return this;
        }

        /** The number of classes C (required, ≥ 1). */
        public Builder classes(int classes) {
            this.classes = classes;
            return this;
        }

        /**
         * The anchor priors [nBoxes, 2]: (width, height) of each in grid cells (pixels / stride), e.g. from
         * {@link AnchorKMeans} divided by {@link #gridStride()}. Required; every value positive.
         */
        public Builder anchors(INDArray priorsInGridUnits) {
            this.anchors = priorsInGridUnits == null ? null : priorsInGridUnits.dup();
            return this;
        }

        /** λ_coord, the weight of the position and size terms (5.0 by default). */
        public Builder lambdaCoord(double lambdaCoord) {
            this.lambdaCoord = lambdaCoord;
            return this;
        }

        /** λ_noobj, the weight of the confidence term of priors without an object (0.5 by default). */
        public Builder lambdaNoObj(double lambdaNoObj) {
            this.lambdaNoObj = lambdaNoObj;
            return this;
        }

        /** The weight initialisation seed (42 by default); the same as {@code optSeed}. */
        public Builder seed(long seed) {
            return optSeed(seed);
        }

        /** Adam with this learning rate (1e-3 by default). */
        public Builder learningRate(double learningRate) {
            require(learningRate > 0 && Double.isFinite(learningRate), OWNER, "learningRate", learningRate, "> 0");
            return optUpdater(new Adam(learningRate));
        }

        /**
         * The backbone's channel widths, one per stage (16, 32, 64, 128 by default); the stride is 2^(stages − 1),
         * so four stages give stride 8.
         */
        public Builder widths(int... widths) {
            this.widths = widths == null ? new int[0] : widths.clone();
            return this;
        }

        /** Pixels per grid cell, s = 2^(stages − 1). */
        public int gridStride() {
            require(
                    widths.length >= 1 && widths.length <= 8,
                    OWNER,
                    "widths",
                    Arrays.toString(widths),
                    "1 to 8 stage widths");
            return 1 << (widths.length - 1);
        }

        /** Grid width S_w = W / s. */
        public int gridWidth() {
            return width / gridStride();
        }

        /** Grid height S_h = H / s. */
        public int gridHeight() {
            return height / gridStride();
        }

        private int nBoxes() {
            return (int) anchors.size(0);
        }

        /** convolutional(H, W, C). */
        @Override
        public InputType inputType() {
            return InputType.convolutional(height, width, channels);
        }

        private void check() {
            require(channels >= 1, OWNER, "channels", channels, ">= 1");
            require(classes >= 1, OWNER, "classes", classes == -1 ? "not set" : classes, ">= 1 (call classes(C))");
            require(
                    widths.length >= 1 && Arrays.stream(widths).allMatch(w -> w >= 1),
                    OWNER,
                    "widths",
                    Arrays.toString(widths),
                    "at least one stage width, each >= 1");
            int s = gridStride();
            require(
                    height >= s && width >= s && height % s == 0 && width % s == 0,
                    OWNER,
                    "inputShape",
                    height + "x" + width,
                    "a multiple of the grid stride " + s + " (2^(stages-1) for " + widths.length
                            + " widths) in height and width; crop/pad the images or change widths");
            require(
                    anchors != null,
                    OWNER,
                    "anchors",
                    null,
                    "an INDArray [nBoxes, 2] of prior (width, height) in grid cells, e.g. from AnchorKMeans");
            require(
                    anchors.rank() == 2 && anchors.size(0) >= 1 && anchors.size(1) == 2,
                    OWNER,
                    "anchors",
                    Arrays.toString(anchors.shape()),
                    "of shape [nBoxes, 2] (width, height in grid cells)");
            INDArray a = anchors.castTo(DataType.DOUBLE);
            require(
                    a.minNumber().doubleValue() > 0
                            && Double.isFinite(a.sumNumber().doubleValue()),
                    OWNER,
                    "anchors",
                    a.toString().replace('\n', ' '),
                    "positive and finite (sizes in grid cells)");
            require(
                    lambdaCoord >= 0 && Double.isFinite(lambdaCoord),
                    OWNER,
                    "lambdaCoord",
                    lambdaCoord,
                    ">= 0 and finite");
            require(
                    lambdaNoObj >= 0 && Double.isFinite(lambdaNoObj),
                    OWNER,
                    "lambdaNoObj",
                    lambdaNoObj,
                    ">= 0 and finite");
        }

        /** The graph's configuration (nothing allocated). */
        public ComputationGraphConfiguration config() {
            return config(true);
        }

        /** The units' names, stage0 … stage{n−1} and head, each conv → [BN →] leaky ReLU. */
        private List<String> units() {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < widths.length; i++) {
                names.add("stage" + i);
            }
            names.add("head");
            return names;
        }

        /** With batch norm (training) or without it, each unit one conv layer with the leaky ReLU (BN folded in). */
        private ComputationGraphConfiguration config(boolean batchNorm) {
            check();
            IActivation leaky = new ActivationLReLU(LEAKY_SLOPE);
            ComputationGraphConfiguration.GraphBuilder g = base().weightInit(WeightInit.RELU)
                    .graphBuilder()
                    .addInputs(INPUT)
                    .setInputTypes(inputType());
            String last = INPUT;
            for (int i = 0; i < widths.length; i++) {
                if (i > 0) {
                    String pool = "pool" + i;
                    g.addLayer(
                            pool,
                            new SubsamplingLayer.Builder(PoolingType.MAX)
                                    .kernelSize(2, 2)
                                    .stride(2, 2)
                                    .build(),
                            last);
                    last = pool;
                }
                String stage = "stage" + i;
                last = ConvBlocks.convUnit(
                        g, last, stage, stage, ConvBlocks.convolution(3, 1, widths[i], true), batchNorm, leaky);
            }
            last = ConvBlocks.convUnit(
                    g,
                    last,
                    "head",
                    "head",
                    ConvBlocks.convolution(3, 1, widths[widths.length - 1], true),
                    batchNorm,
                    leaky);
            g.addLayer(
                    DETECT,
                    ConvBlocks.convolution(1, 1, nBoxes() * (5 + classes), true)
                            .activation(new ActivationIdentity())
                            .weightInit(WeightInit.XAVIER)
                            .build(),
                    last);
            g.addLayer(
                    OUTPUT,
                    new Yolo2OutputLayer.Builder()
                            .boundingBoxPriors(anchors.castTo(dataType))
                            .lambdaCoord(lambdaCoord)
                            .lambdaNoObj(lambdaNoObj)
                            .build(),
                    DETECT);
            return g.setOutputs(OUTPUT).build();
        }

        /** The detector with its initialised graph. */
        @Override
        public YoloDetector build() {
            ComputationGraph graph = new ComputationGraph(config());
            graph.init();
            return new YoloDetector(copy(), graph, false);
        }

        /** The one graph, named "network", for counting. */
        @Override
        public List<NetworkSpec> networks() {
            return List.of(new NetworkSpec.Graph("network", config(), List.of(inputType())));
        }
    }
}

package org.sheetlab.models.moe;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.moe.MixtureOfExperts;
import org.sheetlab.layers.moe.MixtureOfExpertsLayer;
import org.sheetlab.models.FeedForwardBuilder;

/**
 * Sheet, DNNs as Data Structures (Final Q4): "Mixture-of-Experts: gating network routes input". A classifier whose
 * hidden layer is a {@link MixtureOfExperts} of E ReLU experts of width h, and its dense baseline with the same number
 * of parameters.
 * <ul>
 *   <li>{@link Kind#MOE}: input [B, n_in] → MixtureOfExperts(E × h, gate over E, optional top-k, load balancing λ)
 *       [B, h] → softmax [B, K]. Parameters E·(n_in·h + h) + (n_in·E + E) + (h·K + K).</li>
 *   <li>{@link Kind#DENSE}: input → Dense(H, ReLU) → softmax, with H = round((P_moe − K) / (n_in + 1 + K)) so that
 *       its (n_in + 1)·H + (H + 1)·K parameters equal the MoE's to within one hidden unit
 *       ({@link Builder#denseWidth()}).</li>
 * </ul>
 *
 * <pre>{@code
 * MultiLayerConfiguration moe = MoeClassifier.builder().setInputSize(784).optExperts(4).optExpertSize(64)
 *         .optTopK(2).optLoadBalancing(0.01).build();
 * MultiLayerConfiguration dense = MoeClassifier.builder().setInputSize(784).optExperts(4).optExpertSize(64)
 *         .setKind(MoeClassifier.Kind.DENSE).build();   // Dense(258): 205,120 vs 204,750 parameters
 * }</pre>
 *
 * Defaults: MOE, 4 experts of width 64, all experts mixed (top-k off), λ = 0.01, 10 classes, He initialisation,
 * Adam(1e-3), FLOAT, seed 42. The MoE layer is named "moe" (for {@code MixtureOfExpertsLayer#gates}); a trained
 * mixture's routing per class: {@link #routing} ({@link RoutingStatistics}).
 */
public final class MoeClassifier {
    /** The hidden layer: the mixture, or a dense layer of equal parameter count. */
    public enum Kind {
        MOE,
        DENSE
    }

    private MoeClassifier() {}

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The routing of a trained {@link Kind#MOE} network over {@code data} (features [B, n_in], one-hot labels [B, K],
     * K = the output layer's size): the gates g [B, E] of its layer "moe" for every batch, accumulated by class with
     * {@link RoutingStatistics}. Reads {@code data} from where it stands to its end.
     */
    public static RoutingStatistics routing(MultiLayerNetwork net, DataSetIterator data) {
        org.deeplearning4j.nn.api.Layer layer = null;
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            if (l instanceof MixtureOfExpertsLayer) {
                layer = l;
                break;
            }
        }
        if (!(layer instanceof MixtureOfExpertsLayer moe)) {
            throw new IllegalArgumentException(
                    "routing: the network has no MixtureOfExperts layer (build it with Kind.MOE, not DENSE)");
        }
        RoutingStatistics stats = new RoutingStatistics(
                (int) net.layerSize(net.getnLayers() - 1), (int) moe.layerConf().getExperts());
        while (data.hasNext()) {
            DataSet ds = data.next();
            stats.add(moe.gates(ds.getFeatures()), ds.getLabels());
        }
        return stats;
    }

    /**
     * Routing statistics of a mixture of E experts over inputs of K classes (sheet, Final Q4: "gating network routes
     * input"), accumulated batch by batch from gate outputs g [B, E] (rows are the gate's mixture weights; with top-k
     * routing the other entries are 0) and the inputs' classes:
     * <ul>
     *   <li>{@link #meanGate()} [K][E]: mean over class c's inputs of g_e;</li>
     *   <li>{@link #topShare()} [K][E]: the share of class c's inputs whose largest gate is expert e (the first
     *       largest on ties).</li>
     * </ul>
     * Both rows of a class with no inputs are 0. Gates are read in DOUBLE.
     */
    public static final class RoutingStatistics {
        private final int experts;
        private final double[][] sum;
        private final double[][] top;
        private final int[] count;

        public RoutingStatistics(int classes, int experts) {
            if (classes < 1 || experts < 1) {
                throw new IllegalArgumentException(
                        "RoutingStatistics: classes and experts must be >= 1; got " + classes + ", " + experts);
            }
            this.experts = experts;
            this.sum = new double[classes][experts];
            this.top = new double[classes][experts];
            this.count = new int[classes];
        }

        /** Adds a batch: gates [B, E] and one-hot labels [B, K] (the class is the label's arg max). */
        public void add(INDArray gates, INDArray oneHotLabels) {
            INDArray cls = oneHotLabels.argMax(1);
            int[] classes = new int[(int) cls.length()];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = cls.getInt(i);
            }
            add(gates, classes);
        }

        /** Adds a batch: gates [B, E] and the class of each row, 0 ≤ c < K. */
        public void add(INDArray gates, int[] classes) {
            if (gates.rank() != 2 || gates.size(1) != experts || gates.size(0) != classes.length) {
                throw new IllegalArgumentException("RoutingStatistics: gates must be [B, " + experts + "] with one "
                        + "class per row; got " + java.util.Arrays.toString(gates.shape()) + " and " + classes.length
                        + " classes");
            }
            INDArray g = gates.castTo(DataType.DOUBLE);
            for (int i = 0; i < classes.length; i++) {
                int c = classes[i];
                if (c < 0 || c >= count.length) {
                    throw new IllegalArgumentException(
                            "RoutingStatistics: class " + c + " is outside 0.." + (count.length - 1));
                }
                count[c]++;
                int best = 0;
                for (int j = 0; j < experts; j++) {
                    double v = g.getDouble(i, j);
                    sum[c][j] += v;
                    if (v > g.getDouble(i, best)) {
                        best = j;
                    }
                }
                top[c][best]++;
            }
        }

        /** Inputs seen per class. */
        public int[] counts() {
            return count.clone();
        }

        /** [K][E]: the mean gate weight of each expert over each class's inputs. */
        public double[][] meanGate() {
            return perClass(sum);
        }

        /** [K][E]: the share of each class's inputs whose largest gate is each expert. */
        public double[][] topShare() {
            return perClass(top);
        }

        private double[][] perClass(double[][] totals) {
            double[][] out = new double[count.length][experts];
            for (int c = 0; c < count.length; c++) {
                for (int j = 0; j < experts; j++) {
                    out[c][j] = totals[c][j] / Math.max(1, count[c]);
                }
            }
            return out;
        }
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends FeedForwardBuilder<Builder> {
        private Kind kind = Kind.MOE;
        private int experts = 4;
        private int expertSize = 64;
        private int topK;
        private double loadBalancing = 0.01;
        private int classes = 10;

        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        public Builder setKind(Kind kind) {
            this.kind = kind;
            return this;
        }

        /** E, the number of experts (4 by default). */
        public Builder optExperts(int experts) {
            this.experts = experts;
            return this;
        }

        /** h, each expert's width and the mixture's output size (64 by default). */
        public Builder optExpertSize(int expertSize) {
            this.expertSize = expertSize;
            return this;
        }

        /** Route each input to its k most probable experts (0, the default: mix all). */
        public Builder optTopK(int topK) {
            this.topK = topK;
            return this;
        }

        /** λ of the load-balancing term (0.01 by default; 0 turns it off). */
        public Builder optLoadBalancing(double lambda) {
            this.loadBalancing = lambda;
            return this;
        }

        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** The MoE network's parameter count. */
        public long moeParameters() {
            long n = inputSize;
            return experts * (n * expertSize + expertSize) + (n * experts + experts) + (expertSize + 1L) * classes;
        }

        /** H of the dense baseline: the width whose parameter count is nearest the MoE's. */
        public int denseWidth() {
            return (int) Math.round((moeParameters() - classes) / (double) (inputSize + 1 + classes));
        }

        @Override
        protected void check() {
            super.check();
            String owner = "MoeClassifier";
            require(kind != null, owner, "kind", kind, "MOE or DENSE");
            require(experts >= 1, owner, "experts", experts, ">= 1");
            require(expertSize >= 1, owner, "expertSize", expertSize, ">= 1");
            require(classes >= 2, owner, "classes", classes, ">= 2");
            require(
                    topK >= 0 && topK <= experts,
                    owner,
                    "topK",
                    topK,
                    "between 0 (mix all experts) and {experts} (" + experts + ")");
            require(
                    loadBalancing >= 0 && Double.isFinite(loadBalancing),
                    owner,
                    "loadBalancing",
                    loadBalancing,
                    ">= 0 (0: off)");
        }

        @Override
        public MultiLayerConfiguration build() {
            check();
            Layer hidden = kind == Kind.MOE
                    ? new MixtureOfExperts.Builder()
                            .name("moe")
                            .nOut(expertSize)
                            .experts(experts)
                            .topK(topK)
                            .loadBalancing(loadBalancing)
                            .activation(Activation.RELU)
                            .build()
                    : new DenseLayer.Builder()
                            .name("dense")
                            .nOut(denseWidth())
                            .activation(Activation.RELU)
                            .build();
            return base().weightInit(WeightInit.RELU)
                    .list()
                    .layer(hidden)
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .name("output")
                            .nOut(classes)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(InputType.feedForward(inputSize))
                    .build();
        }
    }
}

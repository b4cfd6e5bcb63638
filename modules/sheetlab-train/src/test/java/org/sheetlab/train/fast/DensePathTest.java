package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.sheetlab.testing.FitEquivalence;

/**
 * The fast core's dense path ({@link DensePath}) against DL4J's fit: networks of the layers it computes itself (every
 * activation, both losses, with and without bias), frozen layers (no weight gradient; the frozen parameters stay), and
 * networks mixing dense layers with layers it does not compute (convolution, batch normalization, a dense layer with
 * dropout, an activation layer, an MSE output, input preprocessors), which run their own passes in place. Each trained
 * through both for several steps ends with the same parameters, updater state and scores to relative 1e-5.
 *
 * <p>The gradients themselves agree to float rounding on every step (the products are the same BLAS calls; sigmoid
 * and tanh use the Vector API's exp and tanh, whose last bit can differ from libnd4j's). Adam divides each gradient
 * by its own running magnitude, so in a small network where a few gradients stay near zero, such last-bit differences
 * become visible in the parameters after some steps; the mixed network below therefore uses activations whose
 * outputs are the same floats on both sides.
 */
class DensePathTest {
    private static final double TOLERANCE = 1e-5;

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(1e-2));
    }

    private static MultiLayerNetwork init(MultiLayerNetwork net) {
        net.init();
        return net;
    }

    /** Batches x [B, in] in [0, 1) with targets from the first features: one-hot (softmax) or in [0, 1] (sigmoid). */
    private static List<MultiDataSet> batches(int in, int out, boolean oneHot, long seed) {
        Nd4j.getRandom().setSeed(seed);
        List<MultiDataSet> list = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 12, in);
            INDArray y;
            if (oneHot) {
                y = Nd4j.zeros(DataType.FLOAT, 12, out);
                for (int i = 0; i < 12; i++) {
                    y.putScalar(i, (int) Math.floor(x.getDouble(i, 0) * out) % out, 1);
                }
            } else {
                y = Nd4j.rand(DataType.FLOAT, 12, out).gt(0.5).castTo(DataType.FLOAT);
            }
            list.add(new org.nd4j.linalg.dataset.MultiDataSet(x, y));
        }
        return list;
    }

    /** Trains like fit through the dense path in {@code mode}, which the core must take on every step. */
    private static FitEquivalence.Result assertDenseLikeFit(
            Supplier<Model> factory, List<MultiDataSet> batches, FastCore.DensePathMode mode) {
        List<FastCore> cores = new ArrayList<>();
        FitEquivalence.Result r = FitEquivalence.assertTrainsLikeFit(
                factory,
                m -> {
                    FastCore core = FastCore.of(m, mode);
                    cores.add(core);
                    return batch -> {
                        double score = core.fit(batch);
                        assertThat(core.lastStepDense())
                                .as("the step ran through the dense path")
                                .isTrue();
                        return score;
                    };
                },
                batches,
                2,
                TOLERANCE);
        assertThat(cores.get(0).densePath()).isPresent();
        return r;
    }

    @Test
    void everyActivationBothLossesAndNoBiasTrainLikeFit() {
        Supplier<Model> softmax = () -> init(new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder()
                        .nOut(16)
                        .activation(Activation.TANH)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(12)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(10)
                        .activation(new ActivationLReLU(0.2))
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(9)
                        .activation(Activation.SIGMOID)
                        .hasBias(false)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(7)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(10))
                .build()));
        FastCore probe = FastCore.of(softmax.get(), FastCore.DensePathMode.DENSE);
        assertThat(probe.densePath().orElseThrow())
                .contains("layer 0", "layer 5")
                .doesNotContain("their own passes");
        assertDenseLikeFit(softmax, batches(10, 4, true, 1), FastCore.DensePathMode.DENSE);

        Supplier<Model> sigmoid = () -> init(new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder()
                        .nOut(20)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunction.XENT)
                        .nOut(6)
                        .activation(Activation.SIGMOID)
                        .hasBias(false)
                        .build())
                .setInputType(InputType.feedForward(10))
                .build()));
        assertDenseLikeFit(sigmoid, batches(10, 6, false, 2), FastCore.DensePathMode.DENSE);
    }

    /** G∘D's shape: trainable dense layers, then a frozen dense layer and a frozen sigmoid output. */
    private static MultiLayerNetwork stacked(boolean frozenFirst) {
        NeuralNetConfiguration.ListBuilder list = base().list();
        if (frozenFirst) {
            list.layer(new FrozenLayerWithBackprop(new DenseLayer.Builder()
                    .nOut(11)
                    .activation(Activation.TANH)
                    .build()));
        }
        return init(new MultiLayerNetwork(list.layer(new DenseLayer.Builder()
                        .nOut(12)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(10)
                        .activation(Activation.SIGMOID)
                        .build())
                .layer(new FrozenLayerWithBackprop(new DenseLayer.Builder()
                        .nOut(8)
                        .activation(new ActivationLReLU(0.2))
                        .build()))
                .layer(new FrozenLayerWithBackprop(new OutputLayer.Builder(LossFunction.XENT)
                        .nOut(1)
                        .activation(Activation.SIGMOID)
                        .build()))
                .setInputType(InputType.feedForward(6))
                .build()));
    }

    @Test
    void frozenLayersKeepTheirParametersAndTheNetworkTrainsLikeFit() {
        for (boolean frozenFirst : new boolean[] {false, true}) {
            List<MultiDataSet> data = batches(6, 1, false, 3);
            assertDenseLikeFit(() -> stacked(frozenFirst), data, FastCore.DensePathMode.DENSE);
            MultiLayerNetwork net = stacked(frozenFirst);
            int frozen = frozenFirst ? 3 : 2;
            INDArray before = net.getLayer(frozen).params().dup();
            INDArray firstBefore = net.getLayer(0).params().dup();
            FastCore core = FastCore.of(net, FastCore.DensePathMode.DENSE);
            for (MultiDataSet b : data) {
                core.fit(b);
            }
            assertThat(net.getLayer(frozen).params().equalsWithEps(before, 0))
                    .as("the frozen dense layer's parameters")
                    .isTrue();
            assertThat(net.getLayer(0).params().equalsWithEps(firstBefore, 0))
                    .as("layer 0 changes unless frozen")
                    .isEqualTo(frozenFirst);
        }
    }

    /**
     * Conv(3×3) on 6×6 images → [preprocessor] Dense(ReLU, no bias: before batch normalization a bias's gradient is
     * zero up to rounding, which Adam would scale up to full steps, in fit and the fast step alike) → BatchNormalization → Dense(tanh) with dropout →
     * ActivationLayer(softplus) → Dense(identity) → Output(MSE): the dense path computes layers 1 and 5, the others
     * (and both preprocessors) run their own passes between them. (Identity and ReLU, whose outputs are the same
     * floats as DL4J's: with a sigmoid here Adam turned the last-bit differences of exp in the few near-zero
     * gradients of this small network into 1e-3 after 8 steps, see the class comment.)
     */
    private static MultiLayerNetwork mixed() {
        return init(new MultiLayerNetwork(base().list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(3)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(14)
                        .activation(Activation.RELU)
                        .hasBias(false)
                        .build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new DenseLayer.Builder()
                        .nOut(12)
                        .activation(Activation.TANH)
                        .dropOut(0.7)
                        .build())
                .layer(new ActivationLayer.Builder()
                        .activation(Activation.SOFTPLUS)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(9)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new OutputLayer.Builder(LossFunction.MSE)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build()));
    }

    @Test
    void layersItDoesNotComputeRunTheirOwnPassesInPlace() {
        FastCore all = FastCore.of(mixed(), FastCore.DensePathMode.ALL);
        assertThat(all.densePath().orElseThrow())
                .contains("dense path over layer 1", "layer 5")
                .contains(
                        "their own passes: layer 0",
                        "(ConvolutionLayer)",
                        "(BatchNormalization)",
                        "layer 3",
                        "(ActivationLayer)",
                        "layer 6");
        assertThat(FastCore.of(mixed(), FastCore.DensePathMode.DENSE).densePath())
                .as("by default only networks whose every layer with parameters it computes")
                .isEmpty();
        assertThat(FastCore.of(mixed(), FastCore.DensePathMode.OFF).densePath()).isEmpty();
        assertDenseLikeFit(DensePathTest::mixed, batches(36, 3, false, 4), FastCore.DensePathMode.ALL);
    }

    @Test
    void inferenceThroughTheDensePathGivesTheLayersOwnActivations() {
        Nd4j.getRandom().setSeed(9);
        MultiLayerNetwork g = stacked(false);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 6);
        FastCore core = FastCore.of(g, FastCore.DensePathMode.DENSE);
        INDArray fast = core.activate(x, 1);
        g.setInput(x);
        INDArray own = g.activateSelectedLayers(0, 1, x);
        assertThat(FitEquivalence.relative(own, fast)).isLessThanOrEqualTo(1e-6);
        // straight into the second half of a larger array (the GAN's [real; fake] input): the first half untouched
        INDArray both = Nd4j.zeros(DataType.FLOAT, 10, 10);
        INDArray half = both.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 10), org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertThat(core.activate(x, 1, half)).isSameAs(half);
        assertThat(FitEquivalence.relative(own, half)).isLessThanOrEqualTo(1e-6);
        assertThat(both.get(
                                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5),
                                org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .amaxNumber()
                        .doubleValue())
                .isZero();
        assertThat(core.activate(x, 1, Nd4j.zeros(DataType.FLOAT, 5, 9)).shape())
                .as("a target of another shape: a new array")
                .containsExactly(5, 10);
        MultiLayerNetwork m = mixed();
        FastCore mixedCore = FastCore.of(m, FastCore.DensePathMode.ALL);
        for (MultiDataSet b : batches(36, 3, false, 6)) {
            mixedCore.fit(b); // batch normalization's running statistics away from their start
        }
        INDArray images = Nd4j.rand(DataType.FLOAT, 7, 36);
        INDArray mixedFast = mixedCore.activate(images, 5);
        m.setInput(images);
        assertThat(FitEquivalence.relative(m.activateSelectedLayers(0, 5, images), mixedFast))
                .isLessThanOrEqualTo(1e-6);
        assertThat(mixedFast.shape()).containsExactly(7, 9);
    }

    /**
     * Products of at least DensePath.SPLIT_MIN_MACS multiply-adds run as blocks on the host threads (forward and
     * input gradient by rows, weight gradient by columns): 12 × 1024 × 512 here, with two or more threads and the
     * direct BLAS call (Nd4j.gemm takes no view as its output). The network still trains like fit, and so it does on
     * one thread. (A softmax output: with a 1024-wide sigmoid cross-entropy and Adam 1e-2 the dense path and fit drift
     * apart by 3e-4 after four steps, with or without the split and the direct call: the same at one thread and
     * through Nd4j.gemm, so it is the loss's rounding that Adam amplifies, not the products.)
     */
    @Test
    void largeProductsSplitOverTheHostThreadsTrainLikeFit() {
        Supplier<Model> wide = () -> init(new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder()
                        .nOut(512)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(1024)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(1024))
                .build()));
        assertThat(12L * 1024 * 512).isGreaterThanOrEqualTo(DensePath.SPLIT_MIN_MACS);
        List<MultiDataSet> data = batches(1024, 1024, true, 7);
        FastCore probe = FastCore.of(wide.get(), FastCore.DensePathMode.DENSE);
        if (org.sheetlab.core.threads.HostThreads.maxParts() > 1 && org.sheetlab.core.threads.DirectGemm.direct()) {
            assertThat(DensePath.partsFor(12L * 1024 * 512, 512))
                    .isEqualTo(Math.min(org.sheetlab.core.threads.HostThreads.maxParts(), 6));
            assertThat(probe.densePath().orElseThrow()).contains("split over");
        }
        FitEquivalence.Result split = assertDenseLikeFit(wide, data, FastCore.DensePathMode.DENSE);
        int before = org.sheetlab.core.threads.HostThreads.override(1);
        try {
            assertThat(DensePath.partsFor(12L * 1024 * 512, 512)).isEqualTo(1);
            assertDenseLikeFit(wide, data, FastCore.DensePathMode.DENSE);
        } finally {
            org.sheetlab.core.threads.HostThreads.override(before);
        }
        assertThat(split).isNotNull();
    }

    @Test
    void offTrainsThroughTheLayersOwnPassesAndBadSettingsAreNamed() {
        FastCore off = FastCore.of(stacked(false), FastCore.DensePathMode.OFF);
        assertThat(off.densePath()).isEmpty();
        off.fit(batches(6, 1, false, 5).get(0));
        assertThat(off.lastStepDense()).isFalse();
        String old = System.getProperty(FastCore.DENSE_PATH_PROPERTY);
        try {
            System.setProperty(FastCore.DENSE_PATH_PROPERTY, "sometimes");
            assertThatThrownBy(FastCore.DensePathMode::fromProperty)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sheetlab.fast.densePath must be true, all or false, got 'sometimes'");
            System.setProperty(FastCore.DENSE_PATH_PROPERTY, "false");
            assertThat(FastCore.DensePathMode.fromProperty()).isEqualTo(FastCore.DensePathMode.OFF);
        } finally {
            if (old == null) {
                System.clearProperty(FastCore.DENSE_PATH_PROPERTY);
            } else {
                System.setProperty(FastCore.DENSE_PATH_PROPERTY, old);
            }
        }
        if (old == null) {
            assertThat(FastCore.DensePathMode.fromProperty()).isEqualTo(FastCore.DensePathMode.DENSE);
        }
    }
}

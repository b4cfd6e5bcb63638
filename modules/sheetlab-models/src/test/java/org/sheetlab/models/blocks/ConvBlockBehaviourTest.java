package org.sheetlab.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.RoundTrips;

/**
 * What the blocks compute: the residual identity (F's weights zero → act(x)), the projection skip, ReLU6 =
 * min(max(0, z), 6), gradient checks in DOUBLE with their boolean asserted, and the JSON and ModelSerializer round
 * trips of the classifiers made of them.
 */
@ExtendWith(DoublePrecision.class)
class ConvBlockBehaviourTest {
    private static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    /** Zeros every parameter of the residual branch F (both convolutions), leaving batch norm at γ = 1, β = 0. */
    private static void zeroBranch(ComputationGraph net, String block, boolean batchNorm) {
        for (String conv : batchNorm
                ? new String[] {block + "_1_conv", block + "_2_conv"}
                : new String[] {block + "_1", block + "_2"}) {
            net.getLayer(conv).params().assign(0);
        }
    }

    @Test
    void withTheBranchZeroTheBlockOutputsReluOfItsInputOrTheInputItself() {
        INDArray x = random(1, 2, 3, 5, 5);
        INDArray relu = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(x.dup()));
        for (boolean bn : new boolean[] {false, true}) {
            ComputationGraph net = BlockGraphs.init(BlockGraphs.bare(
                    InputType.convolutional(5, 5, 3),
                    DataType.DOUBLE,
                    (g, in) -> ResidualBlock.builder()
                            .setChannels(3, 3)
                            .optBatchNorm(bn)
                            .addTo(g, in, "r")));
            zeroBranch(net, "r", bn);
            // relu(0 + x): every negative entry clipped, every positive one x itself, bit for bit
            assertBitIdentical(net.outputSingle(x), relu);
            assertThat(relu.minNumber().doubleValue()).isZero();
            ComputationGraph identity = BlockGraphs.init(BlockGraphs.bare(
                    InputType.convolutional(5, 5, 3),
                    DataType.DOUBLE,
                    (g, in) -> ResidualBlock.builder()
                            .setChannels(3, 3)
                            .optBatchNorm(bn)
                            .optActivation(Activation.IDENTITY)
                            .addTo(g, in, "r")));
            zeroBranch(identity, "r", bn);
            assertBitIdentical(identity.outputSingle(x), x); // the sheet's y = F(x, W) + x with F = 0
        }
    }

    @Test
    void whenChannelsAndStrideChangeTheSkipIsAOneByOneProjection() {
        INDArray x = random(2, 2, 2, 6, 5);
        ComputationGraph net = BlockGraphs.init(BlockGraphs.bare(
                InputType.convolutional(6, 5, 2),
                DataType.DOUBLE,
                (g, in) -> ResidualBlock.builder()
                        .setChannels(2, 4)
                        .optStride(2)
                        .optBatchNorm(false)
                        .optActivation(Activation.IDENTITY)
                        .addTo(g, in, "r")));
        zeroBranch(net, "r", false);
        INDArray w = net.getLayer("r_proj").getParam("W"); // [4, 2, 1, 1]
        INDArray b = net.getLayer("r_proj").getParam("b"); // [1, 4]
        // y[n, o, i, j] = sum_c W[o, c] x[n, c, 2i, 2j] + b[o]; output 3x3 = floor((6-1)/2)+1 x floor((5-1)/2)+1
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 2, 4, 3, 3);
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        double s = b.getDouble(0, o);
                        for (int c = 0; c < 2; c++) {
                            s += w.getDouble(o, c, 0, 0) * x.getDouble(n, c, 2 * i, 2 * j);
                        }
                        expected.putScalar(new int[] {n, o, i, j}, s);
                    }
                }
            }
        }
        assertAllClose(net.outputSingle(x), expected, 1e-12, 1e-12);
    }

    @Test
    void relu6IsMinOfMaxOfZeroAndZAndSix() {
        double[] z = {-100, -3, -1e-9, 0, 1e-9, 0.5, 3, 5.999, 6, 6.001, 7.5, 100};
        INDArray out = Activation.RELU6.getActivationFunction().getActivation(Nd4j.createFromArray(z), false);
        for (int i = 0; i < z.length; i++) {
            assertThat(out.getDouble(i)).as("relu6(%s)", z[i]).isEqualTo(Math.min(Math.max(0, z[i]), 6));
        }
        // and the block's output lies in [0, 6] even for large inputs
        ComputationGraph net = BlockGraphs.init(BlockGraphs.bare(
                InputType.convolutional(5, 5, 3),
                DataType.DOUBLE,
                (g, in) -> DepthwiseSeparableBlock.builder()
                        .setOutChannels(4)
                        .optBatchNorm(false)
                        .addTo(g, in, "d")));
        INDArray y = net.outputSingle(random(3, 2, 3, 5, 5).muli(20));
        assertThat(y.minNumber().doubleValue()).isZero();
        assertThat(y.maxNumber().doubleValue()).isEqualTo(6.0);
    }

    /**
     * A gradient check of the classifier {@code conf} on a random batch. Batch norm's running mean and variance are
     * statistics, not trained parameters: DL4J stores their moving-average updates (1 − decay)·(running − batch) in
     * the gradient. DL4J's own batch-norm checks exclude them by name, but M2.1's GradientCheckUtil maps names to
     * positions in paramTable order, which in a graph whose topological order is not its declaration order (the
     * residual block's two branches) differs from the flattened parameter order, so it would skip real weights and
     * check the statistics instead. With decay 1 the statistics' entries are exactly 0, as their numeric gradient
     * is (the training-mode output uses the batch's statistics), and every parameter is checked.
     */
    private static void check(String what, ComputationGraphConfiguration conf, long... inputShape) {
        conf.getVertices().values().forEach(v -> {
            if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    && lv.getLayerConf().getLayer()
                            instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization bn) {
                bn.setDecay(1.0);
            }
        });
        ComputationGraph net = BlockGraphs.init(conf);
        // DL4J initialises biases to 0: a pointwise convolution reading a pixel that the ReLU before it zeroed in
        // every channel then outputs exactly b = 0, on its own ReLU's kink, where a central difference gives 1/2 and
        // backprop 0. Random biases move every pre-activation off the kinks.
        net.paramTable().forEach((k, v) -> {
            if (k.endsWith("_b")) {
                v.assign(random(k.hashCode(), v.shape()).muli(0.1));
            }
        });
        INDArray x = random(4, inputShape);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, inputShape[0], 3);
        for (int i = 0; i < inputShape[0]; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        GradientChecks.assertGradientsOk(what, GradientChecks.config(net, new INDArray[] {x}, new INDArray[] {labels}));
    }

    @Test
    void residualBlocksPassGradientChecks() {
        check(
                "identity skip",
                BlockGraphs.classifier(
                        InputType.convolutional(4, 4, 2),
                        DataType.DOUBLE,
                        3,
                        (g, in) -> ResidualBlock.builder()
                                .setChannels(2, 2)
                                .optBatchNorm(false)
                                .addTo(g, in, "r")),
                3,
                2,
                4,
                4);
        check(
                "projection skip, stride 2, batch norm",
                BlockGraphs.classifier(
                        InputType.convolutional(5, 4, 2),
                        DataType.DOUBLE,
                        3,
                        (g, in) -> ResidualBlock.builder()
                                .setChannels(2, 3)
                                .optStride(2)
                                .addTo(g, in, "r")),
                4,
                2,
                5,
                4);
    }

    @Test
    void depthwiseSeparableBlocksPassGradientChecks() {
        check(
                "depthwise-separable",
                BlockGraphs.classifier(
                        InputType.convolutional(4, 4, 2),
                        DataType.DOUBLE,
                        3,
                        (g, in) -> DepthwiseSeparableBlock.builder()
                                .setOutChannels(3)
                                .optBatchNorm(false)
                                .addTo(g, in, "d")),
                3,
                2,
                4,
                4);
        check(
                "depthwise-separable, stride 2, batch norm",
                BlockGraphs.classifier(
                        InputType.convolutional(5, 5, 2),
                        DataType.DOUBLE,
                        3,
                        (g, in) -> DepthwiseSeparableBlock.builder()
                                .setOutChannels(3)
                                .optStride(2)
                                .addTo(g, in, "d")),
                4,
                2,
                5,
                5);
    }

    @Test
    void classifiersSurviveJsonAndModelSerializerRoundTrips() {
        ComputationGraph resnet = ResNetClassifier.builder()
                .optInput(8, 8, 2)
                .optWidths(4, 6)
                .optBlocksPerStage(2)
                .optClasses(3)
                .optDataType(DataType.DOUBLE)
                .init();
        ComputationGraph mobilenet = MobileNetClassifier.builder()
                .optInput(8, 8, 2)
                .optStemWidth(4)
                .optWidths(6, 8)
                .optClasses(3)
                .optDataType(DataType.DOUBLE)
                .init();
        for (ComputationGraph net : new ComputationGraph[] {resnet, mobilenet}) {
            INDArray x = random(5, 2, 2, 8, 8);
            net.fit(new org.nd4j.linalg.dataset.DataSet(
                    x, Nd4j.eye(3).getRows(0, 1).castTo(DataType.DOUBLE)));
            RoundTrips.assertRoundTrips(net, x);
        }
    }
}

package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The fused sigmoid + binary cross-entropy ({@link SigmoidXentLoss}) against DL4J's LossBinaryXENT with a sigmoid:
 * the same gradient and score up to float rounding, clipping included; DL4J's own code where it does not apply; and
 * the network's configuration unchanged after a fast step.
 */
class SigmoidXentLossTest {
    /** max|a − b| / max|b|. */
    private static double relative(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / b.amaxNumber().doubleValue();
    }

    /**
     * Labels in [0, 1] and pre-activations: spread over ±25 when {@code saturate} (σ reaches 0 and 1 in float, where
     * the clipping at ε and 1 − ε acts; without clipping both losses divide 0 by 0 there), else over about ±6.
     */
    private static INDArray[] batch(char order, long seed, boolean saturate) {
        Nd4j.getRandom().setSeed(seed);
        INDArray z = Nd4j.randn(DataType.FLOAT, 64, 37).muli(saturate ? 8 : 2).dup(order);
        if (saturate) {
            z.putScalar(0, 0, 25f);
            z.putScalar(1, 1, -25f);
        }
        INDArray y = Nd4j.rand(DataType.FLOAT, 64, 37).dup(order);
        y.putScalar(2, 2, 0f);
        y.putScalar(3, 3, 1f);
        return new INDArray[] {z, y};
    }

    @Test
    void gradientAndScoreEqualLossBinaryXentsWithASigmoid() {
        for (double clip : new double[] {1e-5, 0.0}) {
            INDArray[] b = batch('c', 3, clip > 0);
            LossBinaryXENT dl4j = new LossBinaryXENT(clip, null);
            SigmoidXentLoss fused = new SigmoidXentLoss(clip);
            INDArray expected = dl4j.computeGradient(b[1], b[0].dup(), new ActivationSigmoid(), null);
            INDArray z = b[0].dup();
            INDArray got = fused.computeGradient(b[1], z, new ActivationSigmoid(), null);
            assertThat(got)
                    .as("the gradient overwrites the pre-activations, as DL4J's sigmoid backprop does")
                    .isSameAs(z);
            assertThat(relative(got, expected)).as("gradient, clip " + clip).isLessThan(1e-5);
            for (boolean average : new boolean[] {true, false}) {
                double s1 = dl4j.computeScore(b[1], b[0].dup(), new ActivationSigmoid(), null, average);
                double s2 = fused.computeScore(b[1], b[0].dup(), new ActivationSigmoid(), null, average);
                assertThat(s2)
                        .as("score, clip " + clip + ", average " + average)
                        .isCloseTo(s1, org.assertj.core.data.Percentage.withPercentage(1e-4));
            }
        }
        // the vector loop's tail: a length that is not a multiple of any vector width
        INDArray z = Nd4j.randn(DataType.FLOAT, 3, 7);
        INDArray y = Nd4j.rand(DataType.FLOAT, 3, 7);
        INDArray expected = new LossBinaryXENT().computeGradient(y, z.dup(), new ActivationSigmoid(), null);
        assertThat(relative(
                        new SigmoidXentLoss(1e-5).computeGradient(y, z.dup(), new ActivationSigmoid(), null), expected))
                .isLessThan(1e-5);
    }

    @Test
    void otherCallsRunLossBinaryXentsOwnCode() {
        INDArray[] b = batch('c', 4, true);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 64, 1);
        mask.putScalar(5, 0, 0f);
        LossBinaryXENT dl4j = new LossBinaryXENT();
        SigmoidXentLoss fused = new SigmoidXentLoss(1e-5);
        // a mask, an f-order pre-activation with c-order labels, another activation: exactly DL4J's results
        assertThat(fused.computeGradient(b[1], b[0].dup(), new ActivationSigmoid(), mask))
                .isEqualTo(dl4j.computeGradient(b[1], b[0].dup(), new ActivationSigmoid(), mask));
        assertThat(fused.computeGradient(b[1], b[0].dup('f'), new ActivationSigmoid(), null))
                .isEqualTo(dl4j.computeGradient(b[1], b[0].dup('f'), new ActivationSigmoid(), null));
        assertThat(fused.computeScore(b[1], b[0].dup(), new ActivationTanH(), null, true))
                .isEqualTo(dl4j.computeScore(b[1], b[0].dup(), new ActivationTanH(), null, true));
        assertThat(SigmoidXentLoss.covers(new LossBinaryXENT(), new ActivationSigmoid()))
                .isTrue();
        assertThat(SigmoidXentLoss.covers(new LossBinaryXENT(), new ActivationTanH()))
                .isFalse();
        assertThat(SigmoidXentLoss.covers(new LossMSE(), new ActivationSigmoid()))
                .isFalse();
        assertThat(SigmoidXentLoss.covers(
                        new LossBinaryXENT(Nd4j.ones(DataType.FLOAT, 1, 37)), new ActivationSigmoid()))
                .isFalse();
    }

    @Test
    void theFastStepLeavesTheNetworksLossAsItWasBuilt() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(12)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(new LossBinaryXENT())
                        .nIn(8)
                        .nOut(12)
                        .activation(Activation.SIGMOID)
                        .build())
                .build());
        net.init();
        BaseOutputLayer conf = (BaseOutputLayer) net.getLayer(1).conf().getLayer();
        Object built = conf.getLossFn();
        FastCore core = FastCore.of(net);
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 12);
        double score = core.fit(x, x);
        assertThat(score).isFinite().isPositive();
        for (int i = 0; i < 2; i++) {
            core.fit(x, x);
        }
        assertThat(conf.getLossFn()).isSameAs(built);
        assertThat(net.getIterationCount()).isEqualTo(3);
    }

    /**
     * The dense path's one pass for the score and the gradient gives the same bits as the two passes it replaces,
     * clipped and not, over a length with a scalar tail after the vector loop.
     */
    @Test
    void onePassScoreAndGradientEqualTheTwoPassesBitForBit() {
        for (double clip : new double[] {1e-5, 0.0}) {
            INDArray[] b = batch('c', 8, clip > 0);
            int n = (int) b[0].length() - 3; // 2365: not a multiple of any vector width
            float lo = (float) clip;
            float hi = (float) (1.0 - clip);
            INDArray twoZ = b[0].dup();
            INDArray oneZ = b[0].dup();
            java.nio.ByteBuffer yb = b[1].data().asNio().order(java.nio.ByteOrder.nativeOrder());
            java.nio.ByteBuffer tz = twoZ.data().asNio().order(java.nio.ByteOrder.nativeOrder());
            java.nio.ByteBuffer oz = oneZ.data().asNio().order(java.nio.ByteOrder.nativeOrder());
            double two = SigmoidXentKernels.logLikelihood(tz, 1, yb, 2, n, lo, hi, clip > 0);
            SigmoidXentKernels.gradient(tz, 1, yb, 2, n, lo, hi, clip > 0);
            double one = SigmoidXentKernels.logLikelihoodAndGradient(oz, 1, yb, 2, n, lo, hi, clip > 0);
            assertThat(one).as("score, clip " + clip).isEqualTo(two).isFinite();
            org.sheetlab.testing.NdAssert.assertBitIdentical(oneZ, twoZ);
            assertThat(oneZ.getFloat(0)).isEqualTo(b[0].getFloat(0)); // before the range: untouched
        }
    }
}

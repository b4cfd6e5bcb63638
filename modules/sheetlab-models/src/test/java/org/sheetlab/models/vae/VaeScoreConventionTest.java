package org.sheetlab.models.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.layers.vae.ReparameterizationLayer;
import org.sheetlab.testing.DoublePrecision;

/**
 * What {@link VaeNetwork}'s Javadoc says of the score and the gradient, checked: with the noise ε fixed (so the
 * pass is a deterministic function of the parameters), the score of a batch is the mean of its examples' scores, and
 * the gradient DL4J computes equals B × the central difference of the score (h = 1e-6; stated tolerance 1e-6 relative
 * + 1e-8 absolute, far below the factor B = 4 it checks).
 */
@ExtendWith(DoublePrecision.class)
class VaeScoreConventionTest {
    @Test
    void scoreIsTheBatchMeanAndTheGradientThatOfTheBatchSum() {
        MultiLayerNetwork net = VaeNetwork.builder()
                .setInputSize(6)
                .optHidden(5)
                .optLatent(2)
                .optHiddenActivation(Activation.TANH)
                .optDataType(DataType.DOUBLE)
                .init();
        ReparameterizationLayer z = (ReparameterizationLayer) net.getLayer(VaeNetwork.latentLayer(net));
        Nd4j.getRandom().setSeed(5);
        int b = 4;
        INDArray x = Nd4j.rand(DataType.DOUBLE, b, 6);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, b, 2);

        double batch = score(net, z, x, eps);
        double sumOfOwn = 0;
        for (int i = 0; i < b; i++) {
            INDArray row = x.get(NDArrayIndex.interval(i, i + 1));
            sumOfOwn += score(net, z, row, eps.get(NDArrayIndex.interval(i, i + 1)));
        }
        assertThat(batch).isCloseTo(sumOfOwn / b, within(1e-12));

        score(net, z, x, eps);
        INDArray gradient = net.gradient().gradient().dup();
        INDArray params = net.params();
        double h = 1e-6;
        for (long i = 0; i < params.length(); i += 7) {
            double v = params.getDouble(i);
            params.putScalar(i, v + h);
            double up = score(net, z, x, eps);
            params.putScalar(i, v - h);
            double down = score(net, z, x, eps);
            params.putScalar(i, v);
            double numeric = (up - down) / (2 * h);
            assertThat(gradient.getDouble(i))
                    .as("parameter %d", i)
                    .isCloseTo(b * numeric, within(1e-8 + 1e-6 * Math.abs(b * numeric)));
        }
        z.fixNoise(null);
    }

    private static double score(MultiLayerNetwork net, ReparameterizationLayer z, INDArray x, INDArray eps) {
        z.fixNoise(eps);
        net.setInput(x);
        net.setLabels(x);
        net.computeGradientAndScore();
        return net.score();
    }
}

package org.sheetlab.models.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.vae.ReparameterizationLayer;

class VaeNetworkTest {
    private static MultiLayerNetwork net() {
        MultiLayerNetwork n = new MultiLayerNetwork(VaeNetwork.builder()
                .setInputSize(12)
                .optHidden(8)
                .optLatent(3)
                .optDataType(DataType.DOUBLE)
                .build());
        n.init();
        return n;
    }

    /**
     * L_1 averaged over many draws estimates the ELBO (reconstruction + closed-form KL, also averaged), and
     * E[L_K] rises with K: the bound for K = 64 lies above the ELBO.
     */
    @Test
    void importanceWeightedBoundEstimatesTheElboAtKOneAndTightensWithK() {
        MultiLayerNetwork net = net();
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 12);
        // the ELBO by averaging the network's own score (reconstruction + β·KL, β = 1) over noise draws
        double elbo = 0;
        int draws = 400;
        for (int i = 0; i < draws; i++) {
            net.setInput(x);
            net.setLabels(x);
            net.computeGradientAndScore();
            elbo -= net.score();
        }
        elbo /= draws;
        double l1 = 0;
        double l1Sq = 0;
        for (int i = 0; i < draws; i++) {
            double v =
                    VaeNetwork.importanceWeightedBound(net, x, 1).meanNumber().doubleValue();
            l1 += v;
            l1Sq += v * v;
        }
        l1 /= draws;
        double se = Math.sqrt((l1Sq / draws - l1 * l1) / draws);
        assertThat(l1).isCloseTo(elbo, within(5 * se + 0.05));
        double l64 = 0;
        for (int i = 0; i < 20; i++) {
            l64 += VaeNetwork.importanceWeightedBound(net, x, 64).meanNumber().doubleValue() / 20;
        }
        assertThat(l64).isGreaterThan(elbo);
        assertThat(((ReparameterizationLayer) net.getLayer(2))).isNotNull();
        assertThatThrownBy(() -> VaeNetwork.importanceWeightedBound(net, x, 0)).hasMessageContaining("K must be >= 1");
    }

    @Test
    void encodeAndDecodeShapes() {
        MultiLayerNetwork net = net();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 12);
        INDArray mu = VaeNetwork.encode(net, x);
        assertThat(mu.shape()).containsExactly(5, 3);
        INDArray p = VaeNetwork.decode(net, mu);
        assertThat(p.shape()).containsExactly(5, 12);
        assertThat(p.minNumber().doubleValue()).isGreaterThan(0.0);
        assertThat(p.maxNumber().doubleValue()).isLessThan(1.0);
        // decoding μ is what inference does end to end (z = μ)
        assertThat(p.equalsWithEps(net.output(x), 1e-12)).isTrue();
    }
}

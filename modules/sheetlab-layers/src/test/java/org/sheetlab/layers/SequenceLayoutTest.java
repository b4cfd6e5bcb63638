package org.sheetlab.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.attention.AdditiveAttention;
import org.sheetlab.layers.attention.ScaledDotProductAttention;
import org.sheetlab.layers.recurrent.GRU;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;

/**
 * {@code dataFormat(RNNFormat.NWC)} on the host sequence layers (issue 16: GRU and ScaledDotProductAttention accepted
 * it and read [B, T, n_in] as [B, n_in, T]): the same parameters give the same outputs, masked outputs and input
 * gradients in both layouts up to the permutation [B, n, T] ↔ [B, T, n], with T ≠ n_in and T = n_in (where the old
 * code gave a silently wrong result), and an NWC network passes a DOUBLE gradient check.
 */
@ExtendWith(DoublePrecision.class)
class SequenceLayoutTest {
    private static final int N_IN = 3;

    private static Layer layer(String which, RNNFormat f) {
        return switch (which) {
            case "gru" -> new GRU.Builder().nOut(4).dataFormat(f).build();
            case "gruResetAfter" ->
                new GRU.Builder().nOut(4).resetAfter(true).dataFormat(f).build();
            case "attention" ->
                new ScaledDotProductAttention.Builder()
                        .nOut(4)
                        .heads(2)
                        .headSize(2)
                        .dataFormat(f)
                        .build();
            case "additive" ->
                new AdditiveAttention.Builder()
                        .nOut(N_IN)
                        .attentionSize(2)
                        .dataFormat(f)
                        .build();
            default -> throw new IllegalArgumentException(which);
        };
    }

    private static MultiLayerNetwork net(String which, RNNFormat f, int steps) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(layer(which, f))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(f)
                        .build())
                .setInputType(InputType.recurrent(N_IN, steps, f))
                .build());
        net.init();
        return net;
    }

    private static INDArray nwc(INDArray ncw) {
        return ncw.permute(0, 2, 1).dup('c');
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "gruResetAfter", "attention", "additive"})
    void nwcGivesTheNcwResultsTransposedForEveryLength(String which) {
        for (int steps : new int[] {5, N_IN}) { // T ≠ n_in, and T = n_in where the old code silently mixed them up
            MultiLayerNetwork ncw = net(which, RNNFormat.NCW, steps);
            MultiLayerNetwork nwcNet = net(which, RNNFormat.NWC, steps);
            nwcNet.setParams(ncw.params());
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 2, N_IN, steps);
            INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, steps);
            mask.putScalar(1, steps - 1, 0.0);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 2, steps);
            for (int t = 0; t < steps; t++) {
                y.putScalar(new long[] {t % 2, t % 2, t}, 1.0);
                y.putScalar(new long[] {1 - t % 2, 1 - t % 2, t}, 1.0);
            }
            INDArray first = ncw.getLayer(0)
                    .activate(x, false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            INDArray firstNwc = nwcNet.getLayer(0)
                    .activate(nwc(x), false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            assertThat(firstNwc.shape()).containsExactly(2, steps, first.size(1));
            assertAllClose(firstNwc, nwc(first), 1e-12, 1e-14);
            for (INDArray m : new INDArray[] {null, mask}) {
                ncw.setLayerMaskArrays(m, m);
                nwcNet.setLayerMaskArrays(m, m);
                assertAllClose(nwcNet.output(nwc(x), false, m, m), nwc(ncw.output(x, false, m, m)), 1e-12, 1e-14);
                ncw.setInput(x);
                ncw.setLabels(y);
                nwcNet.setInput(nwc(x));
                nwcNet.setLabels(nwc(y));
                ncw.computeGradientAndScore();
                nwcNet.computeGradientAndScore();
                assertThat(nwcNet.score()).isCloseTo(ncw.score(), org.assertj.core.data.Offset.offset(1e-12));
                assertAllClose(nwcNet.getGradientsViewArray(), ncw.getGradientsViewArray(), 1e-10, 1e-13);
                Pair<Gradient, INDArray> gNcw = ncw.calculateGradients(x, y, m, m);
                Pair<Gradient, INDArray> gNwc = nwcNet.calculateGradients(nwc(x), nwc(y), m, m);
                assertAllClose(gNwc.getSecond(), nwc(gNcw.getSecond()), 1e-10, 1e-13);
                ncw.clearLayerMaskArrays();
                nwcNet.clearLayerMaskArrays();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "gruResetAfter", "attention", "additive"})
    void anNwcNetworkPassesAGradientCheck(String which) {
        MultiLayerNetwork net = net(which, RNNFormat.NWC, 4);
        Nd4j.getRandom().setSeed(12);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 4, N_IN);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 4, 2);
        for (int t = 0; t < 4; t++) {
            y.putScalar(new long[] {0, t, t % 2}, 1.0);
            y.putScalar(new long[] {1, t, (t + 1) % 2}, 1.0);
        }
        GradientChecks.assertGradientsOk(which + " in NWC", GradientChecks.config(net, x, y));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "attention"})
    void ncwDataOfTheWrongWidthNamesTheLayoutSetting(String which) {
        MultiLayerNetwork net = net(which, RNNFormat.NCW, 5);
        Function<INDArray, INDArray> run = in -> net.output(in);
        assertThatThrownBy(() -> run.apply(Nd4j.randn(DataType.DOUBLE, 2, 5, N_IN)))
                .hasMessageContaining("dataFormat(RNNFormat.NWC)");
    }
}

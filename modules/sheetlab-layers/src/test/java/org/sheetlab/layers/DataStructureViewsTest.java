package org.sheetlab.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.layers.recurrent.FastLSTM;
import org.sheetlab.testing.DoublePrecision;

/**
 * Sheet, DNNs as Data Structures (Final Q4): an embedding layer indexes a list (Q4c), LSTM gates are a soft
 * if-then-else (Q4e). (Attention as a soft dictionary lookup, Q4d, is ScaledDotProductAttentionTest's
 * aSharpQueryLooksUpTheMatchingValue.)
 */
@ExtendWith(DoublePrecision.class)
class DataStructureViewsTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    private static Layer instantiate(org.deeplearning4j.nn.conf.layers.Layer conf) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .layer(conf)
                .build();
        long n = conf.initializer().numParams(nnc);
        Layer l = conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
        l.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
        return l;
    }

    @Test
    void anEmbeddingLayerIndexesAList() {
        // Q4c: index i → E[i], the i-th learned row of the weight matrix (no bias, identity activation)
        Layer l = instantiate(new EmbeddingLayer.Builder()
                .nIn(7)
                .nOut(3)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .build());
        Nd4j.getRandom().setSeed(3);
        INDArray e = Nd4j.randn(DataType.DOUBLE, 7, 3);
        l.setParam(DefaultParamInitializer.WEIGHT_KEY, e);
        int[] indices = {4, 0, 6, 4};
        INDArray in = Nd4j.create(new double[] {4, 0, 6, 4}, new long[] {4, 1}, DataType.DOUBLE);
        l.setInput(in, NONE);
        INDArray out = l.activate(false, NONE);
        for (int r = 0; r < indices.length; r++) {
            assertBitIdentical(out.getRow(r), e.getRow(indices[r]));
        }
        // a lookup's gradient reaches only the rows that were looked up (row 4 twice)
        INDArray g = l.backpropGradient(Nd4j.ones(DataType.DOUBLE, 4, 3), NONE)
                .getFirst()
                .getGradientFor(DefaultParamInitializer.WEIGHT_KEY);
        assertAllClose(g.getRow(4), Nd4j.valueArrayOf(new long[] {3}, 2.0, DataType.DOUBLE), 0, 0);
        assertAllClose(g.getRow(0), Nd4j.ones(DataType.DOUBLE, 3), 0, 0);
        assertThat(g.getRow(1).amaxNumber().doubleValue()).isZero();
    }

    @Test
    void lstmGatesAreASoftIfThenElse() {
        // Q4e: with the forget gate saturated open and the input gate shut (σ(±30) = 1 or ≈ 1e-13), the cell keeps
        // its value ("if remember then C_{t−1}"); flipped, the cell takes the candidate ("else C̃_t")
        for (boolean remember : new boolean[] {true, false}) {
            Layer l = instantiate(new FastLSTM.Builder()
                    .nIn(1)
                    .nOut(1)
                    .activation(Activation.TANH)
                    .build());
            // DL4J's gate columns: [C̃, f, o, i]; the candidate follows the input: C̃_t = tanh(2 x_t)
            l.setParam(LSTMParamInitializer.INPUT_WEIGHT_KEY, Nd4j.create(new double[][] {{2, 0, 0, 0}}));
            l.setParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, Nd4j.zeros(DataType.DOUBLE, 1, 4));
            double f = remember ? 30 : -30;
            double i = remember ? -30 : 30;
            l.setParam(LSTMParamInitializer.BIAS_KEY, Nd4j.create(new double[][] {{0, f, 30, i}}));
            INDArray x = Nd4j.create(new double[] {0.5, -0.3, 0.8, 0.1}, new long[] {1, 1, 4}, DataType.DOUBLE);
            l.setInput(x, NONE);
            INDArray h = l.activate(false, NONE);
            double[] expectedC = new double[4];
            double c = 0;
            for (int t = 0; t < 4; t++) {
                double cand = Math.tanh(2 * x.getDouble(0, 0, t));
                double fg = 1 / (1 + Math.exp(-f));
                double ig = 1 / (1 + Math.exp(-i));
                c = fg * c + ig * cand;
                expectedC[t] = c;
            }
            for (int t = 0; t < 4; t++) {
                // h_t = o ⊙ tanh(C_t) with o ≈ 1
                assertThat(h.getDouble(0, 0, t))
                        .isCloseTo(Math.tanh(expectedC[t]), org.assertj.core.api.Assertions.within(1e-12));
            }
            if (remember) { // nothing was ever written: the memory stays at its initial 0
                assertThat(h.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                                .amaxNumber()
                                .doubleValue())
                        .isLessThan(1e-12);
            } else { // the memory is exactly the latest candidate
                for (int t = 0; t < 4; t++) {
                    assertThat(expectedC[t])
                            .isCloseTo(
                                    Math.tanh(2 * x.getDouble(0, 0, t)), org.assertj.core.api.Assertions.within(1e-12));
                }
            }
        }
    }
}

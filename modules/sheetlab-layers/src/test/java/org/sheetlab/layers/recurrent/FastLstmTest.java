package org.sheetlab.layers.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.ReferenceValues;

/**
 * FastLSTM and DL4J's LSTM against PyTorch's nn.LSTM (lstm.py → lstm.json, weights moved with {@link LstmWeights}),
 * FastLSTM against DL4J's LSTM in training, gradient checks in DOUBLE, round trips and the fallbacks.
 */
@ExtendWith(DoublePrecision.class)
class FastLstmTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    private static Layer layer(LSTM conf) {
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
    void fastAndDl4jLstmMatchPyTorchNnLstm() {
        List<JsonNode> cases = ReferenceValues.load("/reference/lstm.json").cases();
        assertThat(cases).hasSize(4);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            LstmWeights.Torch torch = new LstmWeights.Torch(
                    ReferenceValues.array(c.get("weight_ih_l0")),
                    ReferenceValues.array(c.get("weight_hh_l0")),
                    ReferenceValues.array(c.get("bias_ih_l0")),
                    ReferenceValues.array(c.get("bias_hh_l0")));
            LstmWeights.Dl4j p = LstmWeights.fromTorch(torch);
            long h = p.rw().size(0);
            for (LSTM conf : new LSTM[] {
                new FastLSTM.Builder()
                        .nIn(x.size(1))
                        .nOut(h)
                        .activation(Activation.TANH)
                        .build(),
                new LSTM.Builder()
                        .nIn(x.size(1))
                        .nOut(h)
                        .activation(Activation.TANH)
                        .build()
            }) {
                Layer l = layer(conf);
                l.setParam(LSTMParamInitializer.INPUT_WEIGHT_KEY, p.w());
                l.setParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, p.rw());
                l.setParam(LSTMParamInitializer.BIAS_KEY, p.b());
                l.setInput(x, NONE);
                assertAllClose(l.activate(true, NONE), ReferenceValues.array(c.get("y")), 1e-10, 1e-12);
                Pair<Gradient, INDArray> g = l.backpropGradient(ReferenceValues.array(c.get("dy")), NONE);
                assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
                LstmWeights.Torch grads = LstmWeights.toTorch(new LstmWeights.Dl4j(
                        g.getFirst().getGradientFor(LSTMParamInitializer.INPUT_WEIGHT_KEY),
                        g.getFirst().getGradientFor(LSTMParamInitializer.RECURRENT_WEIGHT_KEY),
                        g.getFirst().getGradientFor(LSTMParamInitializer.BIAS_KEY)));
                assertAllClose(grads.weightIh(), ReferenceValues.array(c.get("d_weight_ih_l0")), 1e-10, 1e-12);
                assertAllClose(grads.weightHh(), ReferenceValues.array(c.get("d_weight_hh_l0")), 1e-10, 1e-12);
                // each PyTorch bias receives the full bias gradient
                assertAllClose(grads.biasIh(), ReferenceValues.array(c.get("d_bias_hh_l0")), 1e-10, 1e-12);
            }
        }
    }

    @Test
    void weightConversionRoundTrips() {
        Nd4j.getRandom().setSeed(3);
        LstmWeights.Dl4j d = new LstmWeights.Dl4j(
                Nd4j.randn(DataType.DOUBLE, 3, 8),
                Nd4j.randn(DataType.DOUBLE, 2, 8),
                Nd4j.randn(DataType.DOUBLE, 1, 8));
        LstmWeights.Dl4j back = LstmWeights.fromTorch(LstmWeights.toTorch(d));
        assertBitIdentical(back.w(), d.w());
        assertBitIdentical(back.rw(), d.rw());
        assertBitIdentical(back.b(), d.b());
        // DL4J's first block is the candidate C̃, PyTorch's third (g)
        assertBitIdentical(LstmWeights.toTorch(d).weightIh().getRow(4), d.w().getColumn(0));
    }

    private static MultiLayerNetwork network(LSTM.Builder lstm, DataType type, IUpdater updater, boolean lastStep) {
        return network(lstm, 6, type, updater, lastStep);
    }

    private static MultiLayerNetwork network(
            LSTM.Builder lstm, int hidden, DataType type, IUpdater updater, boolean lastStep) {
        LSTM l = lstm.nOut(hidden).activation(Activation.TANH).build();
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(type)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list();
        if (lastStep) {
            b.layer(new LastTimeStep(l))
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(3)
                            .activation(Activation.SOFTMAX)
                            .build());
        } else {
            b.layer(l)
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(3)
                            .activation(Activation.SOFTMAX)
                            .build());
        }
        MultiLayerConfiguration conf = b.setInputType(InputType.recurrent(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray[] batch(DataType type, int b, int t, boolean lastStep, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(type, b, 4, t);
        INDArray y = lastStep ? Nd4j.zeros(type, b, 3) : Nd4j.zeros(type, b, 3, t);
        for (int i = 0; i < b; i++) {
            if (lastStep) {
                y.putScalar(i, i % 3, 1.0);
            } else {
                for (int s = 0; s < t; s++) {
                    y.putScalar(new int[] {i, (i + s) % 3, s}, 1.0);
                }
            }
        }
        return new INDArray[] {x, y};
    }

    @Test
    void trainsLikeDl4jLstm() {
        for (boolean lastStep : new boolean[] {true, false}) {
            for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                MultiLayerNetwork a = network(new FastLSTM.Builder(), type, new Adam(1e-2), lastStep);
                MultiLayerNetwork b = network(new LSTM.Builder(), type, new Adam(1e-2), lastStep);
                assertBitIdentical(a.params(), b.params());
                double tol = type == DataType.DOUBLE ? 1e-11 : 1e-4;
                for (int step = 0; step < 5; step++) {
                    INDArray[] d = batch(type, 5, 7, lastStep, 40 + step);
                    assertAllClose(a.output(d[0]), b.output(d[0]), tol, tol);
                    for (MultiLayerNetwork n : new MultiLayerNetwork[] {a, b}) {
                        n.setInput(d[0]);
                        n.setLabels(d[1]);
                        n.computeGradientAndScore();
                    }
                    assertThat(a.score()).isCloseTo(b.score(), within(tol));
                    assertAllClose(a.gradient().gradient(), b.gradient().gradient(), tol, tol);
                    a.fit(d[0], d[1]);
                    b.fit(d[0], d[1]);
                }
                assertAllClose(a.params(), b.params(), type == DataType.DOUBLE ? 1e-9 : 1e-3, 1e-5);
            }
        }
    }

    @Test
    void batchSplitOverTwoThreadsGivesDl4jsGradients() {
        // 9 examples x 4·120 gates >= SPLIT_MIN_GATES: the batch runs as 3 parts on the 3 test threads
        assertThat(9 * 4 * 120).isGreaterThanOrEqualTo(FastLstmLayer.SPLIT_MIN_GATES);
        for (boolean lastStep : new boolean[] {true, false}) {
            MultiLayerNetwork a = network(new FastLSTM.Builder(), 120, DataType.DOUBLE, new NoOp(), lastStep);
            MultiLayerNetwork b = network(new LSTM.Builder(), 120, DataType.DOUBLE, new NoOp(), lastStep);
            INDArray[] d = batch(DataType.DOUBLE, 9, 6, lastStep, 12);
            for (MultiLayerNetwork n : new MultiLayerNetwork[] {a, b}) {
                n.setInput(d[0]);
                n.setLabels(d[1]);
                n.computeGradientAndScore();
            }
            assertThat(a.score()).isCloseTo(b.score(), within(1e-12));
            assertAllClose(a.gradient().gradient(), b.gradient().gradient(), 1e-10, 1e-13);
        }
    }

    @Test
    void gradientCheckPassesInDouble() {
        for (boolean lastStep : new boolean[] {true, false}) {
            MultiLayerNetwork net = network(new FastLSTM.Builder(), DataType.DOUBLE, new NoOp(), lastStep);
            INDArray[] d = batch(DataType.DOUBLE, 3, 5, lastStep, 8);
            // per-step outputs sum 15 cross-entropies: central differences carry ~1e-9 of rounding, so the absolute
            // floor is 1e-8 here (the analytic gradients equal nn.LSTM's to 1e-10 above)
            assertGradientsOk(
                    "FastLSTM, last step " + lastStep,
                    GradientChecks.config(net, d[0], d[1])
                            .minAbsoluteError(lastStep ? GradientChecks.MIN_ABS_ERROR : 1e-8));
        }
    }

    @Test
    void masksAndInputDropoutBehaveAsInDl4j() {
        LSTM.Builder fast = new FastLSTM.Builder();
        fast.dropOut(new Dropout(0.8));
        LSTM.Builder dl4j = new LSTM.Builder();
        dl4j.dropOut(new Dropout(0.8));
        MultiLayerNetwork a = network(fast, DataType.DOUBLE, new NoOp(), false);
        MultiLayerNetwork b = network(dl4j, DataType.DOUBLE, new NoOp(), false);
        INDArray[] d = batch(DataType.DOUBLE, 3, 6, false, 2);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 3, 6);
        mask.putScalar(0, 5, 0.0);
        mask.putScalar(2, 4, 0.0);
        mask.putScalar(2, 5, 0.0);
        for (INDArray m : new INDArray[] {null, mask}) {
            double[] scores = new double[2];
            INDArray[] grads = new INDArray[2];
            MultiLayerNetwork[] nets = {a, b};
            for (int i = 0; i < 2; i++) {
                nets[i].setLayerMaskArrays(m, m);
                nets[i].setInput(d[0]);
                nets[i].setLabels(d[1]);
                Nd4j.getRandom().setSeed(77);
                nets[i].computeGradientAndScore();
                scores[i] = nets[i].score();
                grads[i] = nets[i].gradient().gradient().dup();
            }
            assertThat(scores[0]).isCloseTo(scores[1], within(1e-12));
            assertAllClose(grads[0], grads[1], 1e-10, 1e-12);
        }
    }

    @Test
    void jsonAndModelSerializerRoundTrips() {
        MultiLayerNetwork net = network(new FastLSTM.Builder(), DataType.DOUBLE, new Adam(1e-2), true);
        INDArray[] d = batch(DataType.DOUBLE, 3, 4, true, 1);
        net.fit(d[0], d[1]);
        MultiLayerNetwork restored = assertRoundTrips(net, d[0]);
        assertThat(restored.getLayerWiseConfigurations().toJson()).contains(FastLSTM.class.getName());
    }
}

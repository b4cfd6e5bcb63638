package org.sheetlab.layers.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.ReferenceValues;

/**
 * GRU (both candidate forms) against PyTorch autograd and torch.nn.GRU (gru.py → gru.json), gradient checks in DOUBLE
 * with and without masks, rnnTimeStep against the full sequence, Bidirectional, round trips and bad input.
 */
@ExtendWith(DoublePrecision.class)
class GruTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    @Test
    void matchesPyTorchForBothCandidateFormsWithAndWithoutMasks() {
        List<JsonNode> cases = ReferenceValues.load("/reference/gru.json").cases();
        assertThat(cases).hasSize(8);
        for (JsonNode c : cases) {
            boolean after = c.get("resetAfter").asBoolean();
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray w = ReferenceValues.array(c.get("W"));
            long h = w.size(1) / 3;
            GRU conf =
                    new GRU.Builder().nIn(x.size(1)).nOut(h).resetAfter(after).build();
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.DOUBLE)
                    .layer(conf)
                    .build();
            long n = conf.initializer().numParams(nnc);
            Layer l = conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
            l.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
            l.setParam(GruParamInitializer.INPUT_WEIGHTS, w);
            l.setParam(GruParamInitializer.RECURRENT_WEIGHTS, ReferenceValues.array(c.get("RW")));
            l.setParam(
                    GruParamInitializer.BIAS, ReferenceValues.array(c.get("b")).reshape(1, -1));
            if (after) {
                l.setParam(
                        GruParamInitializer.CANDIDATE_RECURRENT_BIAS,
                        ReferenceValues.array(c.get("bhn")).reshape(1, -1));
            }
            l.setInput(x, NONE);
            if (c.has("mask")) {
                l.setMaskArray(ReferenceValues.array(c.get("mask")));
            }
            assertAllClose(l.activate(true, NONE), ReferenceValues.array(c.get("y")), 1e-10, 1e-12);
            Pair<Gradient, INDArray> g = l.backpropGradient(ReferenceValues.array(c.get("dy")), NONE);
            assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
            Gradient grads = g.getFirst();
            assertAllClose(
                    grads.getGradientFor(GruParamInitializer.INPUT_WEIGHTS),
                    ReferenceValues.array(c.get("dW")),
                    1e-10,
                    1e-12);
            assertAllClose(
                    grads.getGradientFor(GruParamInitializer.RECURRENT_WEIGHTS),
                    ReferenceValues.array(c.get("dRW")),
                    1e-10,
                    1e-12);
            assertAllClose(
                    grads.getGradientFor(GruParamInitializer.BIAS).reshape(-1),
                    ReferenceValues.array(c.get("db")),
                    1e-10,
                    1e-12);
            if (after) {
                assertAllClose(
                        grads.getGradientFor(GruParamInitializer.CANDIDATE_RECURRENT_BIAS)
                                .reshape(-1),
                        ReferenceValues.array(c.get("dbhn")),
                        1e-10,
                        1e-12);
            }
        }
    }

    private static MultiLayerNetwork network(org.deeplearning4j.nn.conf.layers.Layer rnn, boolean lastStep) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(9)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list();
        if (lastStep) {
            b.layer(new LastTimeStep(rnn))
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(3)
                            .activation(Activation.SOFTMAX)
                            .build());
        } else {
            b.layer(rnn)
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(3)
                            .activation(Activation.SOFTMAX)
                            .build());
        }
        MultiLayerConfiguration conf = b.setInputType(InputType.recurrent(3)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray[] data(int b, int t, boolean lastStep) {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, 3, t);
        INDArray y = lastStep ? Nd4j.zeros(DataType.DOUBLE, b, 3) : Nd4j.zeros(DataType.DOUBLE, b, 3, t);
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
    void gradientChecksPassInDoubleForBothFormsWithAndWithoutMasks() {
        for (boolean after : new boolean[] {false, true}) {
            for (boolean masked : new boolean[] {false, true}) {
                MultiLayerNetwork net =
                        network(new GRU.Builder().nOut(4).resetAfter(after).build(), false);
                INDArray[] d = data(3, 5, false);
                {
                    var cfg = GradientChecks.config(net, d[0], d[1]).minAbsoluteError(1e-8);
                    if (masked) {
                        INDArray mask = Nd4j.ones(DataType.DOUBLE, 3, 5);
                        mask.putScalar(1, 4, 0.0);
                        mask.putScalar(2, 3, 0.0);
                        mask.putScalar(2, 4, 0.0);
                        mask.putScalar(0, 2, 0.0);
                        cfg.inputMask(mask).labelMask(mask);
                    }
                    // per-step outputs sum 15 cross-entropies: central differences carry ~1e-9 of rounding, so the
                    // absolute floor is 1e-8 (the analytic gradients equal PyTorch's to 1e-10 above)
                    assertGradientsOk("GRU resetAfter " + after + ", masked " + masked, cfg);
                }
            }
            MultiLayerNetwork last =
                    network(new GRU.Builder().nOut(4).resetAfter(after).build(), true);
            INDArray[] d = data(3, 4, true);
            assertGradientsOk("GRU last step, resetAfter " + after, GradientChecks.config(last, d[0], d[1]));
        }
    }

    @Test
    void aBatchSplitOverThreadsEqualsItsExamplesOneByOne() {
        // 9 examples x 3·160 gates >= SPLIT_MIN_GATES: the batch runs as 3 parts on the 3 test threads; one example
        // alone is never split. Outputs and input gradients must match per example, parameter gradients their sum.
        assertThat(9 * 3 * 160).isGreaterThanOrEqualTo(GruLayer.SPLIT_MIN_GATES);
        for (boolean after : new boolean[] {false, true}) {
            GRU conf = new GRU.Builder().nIn(3).nOut(160).resetAfter(after).build();
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .seed(3)
                    .dataType(DataType.DOUBLE)
                    .weightInit(WeightInit.XAVIER)
                    .layer(conf)
                    .build();
            long n = conf.initializer().numParams(nnc);
            Layer l = conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
            l.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
            Nd4j.getRandom().setSeed(17);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 9, 3, 4);
            INDArray dy = Nd4j.randn(DataType.DOUBLE, 9, 160, 4);
            INDArray mask = Nd4j.ones(DataType.DOUBLE, 9, 4);
            mask.putScalar(2, 3, 0.0);
            mask.putScalar(7, 1, 0.0);
            l.setInput(x, NONE);
            l.setMaskArray(mask);
            INDArray y = l.activate(true, NONE).dup();
            Pair<Gradient, INDArray> g = l.backpropGradient(dy, NONE);
            INDArray dx = g.getSecond().dup();
            INDArray dParams = l.getGradientsViewArray().dup();
            INDArray sum = Nd4j.zeros(DataType.DOUBLE, 1, n);
            for (int e = 0; e < 9; e++) {
                INDArray xe = x.get(NDArrayIndex.interval(e, e + 1), NDArrayIndex.all(), NDArrayIndex.all())
                        .dup();
                l.setInput(xe, NONE);
                l.setMaskArray(mask.get(NDArrayIndex.interval(e, e + 1), NDArrayIndex.all())
                        .dup());
                INDArray ye = l.activate(true, NONE);
                assertAllClose(
                        ye,
                        y.get(NDArrayIndex.interval(e, e + 1), NDArrayIndex.all(), NDArrayIndex.all()),
                        1e-12,
                        1e-14);
                INDArray dxe = l.backpropGradient(
                                dy.get(NDArrayIndex.interval(e, e + 1), NDArrayIndex.all(), NDArrayIndex.all())
                                        .dup(),
                                NONE)
                        .getSecond();
                assertAllClose(
                        dxe,
                        dx.get(NDArrayIndex.interval(e, e + 1), NDArrayIndex.all(), NDArrayIndex.all()),
                        1e-11,
                        1e-13);
                sum.addi(l.getGradientsViewArray());
            }
            assertAllClose(dParams, sum, 1e-10, 1e-12);
        }
    }

    @Test
    void rnnTimeStepContinuesTheSequence() {
        MultiLayerNetwork net = network(new GRU.Builder().nOut(5).build(), false);
        INDArray x = data(2, 7, false)[0];
        INDArray full = net.output(x);
        net.rnnClearPreviousState();
        INDArray first = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 4)));
        INDArray rest = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(4, 7)));
        assertAllClose(Nd4j.concat(2, first, rest), full, 1e-12, 1e-12);
        INDArray oneStep = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)));
        assertThat(oneStep.shape()).containsExactly(2, 3);
        assertThatThrownBy(() -> net.rnnTimeStep(Nd4j.randn(DataType.DOUBLE, 3, 3, 2)))
                .hasStackTraceContaining("rnnClearPreviousState");
    }

    @Test
    void bidirectionalWrapperGradientCheck() {
        MultiLayerNetwork net = network(
                new Bidirectional(
                        Bidirectional.Mode.ADD, new GRU.Builder().nOut(3).build()),
                false);
        INDArray[] d = data(2, 4, false);
        assertGradientsOk(
                "Bidirectional(GRU)", GradientChecks.config(net, d[0], d[1]).minAbsoluteError(1e-8));
    }

    @Test
    void jsonAndModelSerializerRoundTripsAndBadInput() {
        for (boolean after : new boolean[] {false, true}) {
            MultiLayerNetwork net =
                    network(new GRU.Builder().nOut(4).resetAfter(after).build(), true);
            INDArray[] d = data(3, 4, true);
            net.fit(d[0], d[1]);
            MultiLayerNetwork restored = assertRoundTrips(net, d[0]);
            assertThat(restored.getLayerWiseConfigurations().toJson()).contains(GRU.class.getName());
            assertThat(restored.numParams())
                    .isEqualTo(3L * (3 * 4) + 4L * (3 * 4) + 3 * 4 + (after ? 4 : 0) + 4 * 3 + 3);
        }
        MultiLayerNetwork net = network(new GRU.Builder().nOut(4).build(), false);
        assertThatThrownBy(() -> net.output(Nd4j.randn(DataType.DOUBLE, 2, 5, 4)))
                .isInstanceOf(DL4JInvalidInputException.class)
                .hasMessageContaining("nIn = 3");
    }
}

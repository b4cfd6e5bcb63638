package org.sheetlab.models.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.RoundTrips;

/** The whole detector: gradient check in DOUBLE, JSON and ModelSerializer round trips, decoding of a known output. */
@ExtendWith(DoublePrecision.class)
class YoloDetectorGradientTest {
    private static final INDArray PRIORS = Nd4j.create(new double[][] {{1.5, 2.0}, {3.0, 2.5}});

    private static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    /**
     * Labels [B, 4 + C, gridH, gridW]: one object per image, centre in a random cell, size 0.5 … 2.5 cells, a random
     * class.
     */
    private static INDArray labels(int batch, int classes, int gridH, int gridW, long seed) {
        Random r = new Random(seed);
        INDArray l = Nd4j.zeros(DataType.DOUBLE, batch, 4 + classes, gridH, gridW);
        for (int i = 0; i < batch; i++) {
            int x = r.nextInt(gridW);
            int y = r.nextInt(gridH);
            double cx = x + 0.1 + 0.8 * r.nextDouble();
            double cy = y + 0.1 + 0.8 * r.nextDouble();
            double w = 0.5 + 2 * r.nextDouble();
            double h = 0.5 + 2 * r.nextDouble();
            double[] corner = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
            for (int k = 0; k < 4; k++) {
                l.putScalar(new long[] {i, k, y, x}, corner[k]);
            }
            l.putScalar(new long[] {i, 4 + r.nextInt(classes), y, x}, 1.0);
        }
        return l;
    }

    @Test
    void wholeDetectorPassesADoubleGradientCheck() {
        YoloDetector.Builder b = YoloDetector.builder()
                .inputShape(1, 8, 8)
                .classes(2)
                .anchors(PRIORS)
                .widths(2, 3)
                .optDataType(DataType.DOUBLE)
                .optUpdater(new NoOp());
        var conf = b.config();
        // decay 1: the running statistics stay put while the check perturbs parameters (as in the block tests)
        conf.getVertices().values().forEach(v -> {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization bn) {
                bn.setDecay(1.0);
            }
        });
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        // random biases move the leaky ReLUs' inputs off their kink at 0
        net.paramTable().forEach((k, v) -> {
            if (k.endsWith("_b")) {
                v.assign(random(k.hashCode(), v.shape()).muli(0.1));
            }
        });
        assertThat(b.gridStride()).isEqualTo(2);
        INDArray x = random(5, 3, 1, 8, 8);
        INDArray y = labels(3, 2, 4, 4, 11);
        GradientChecks.assertGradientsOk(
                "YoloDetector", GradientChecks.config(net, new INDArray[] {x}, new INDArray[] {y}));
    }

    @Test
    void detectorSurvivesJsonAndModelSerializerRoundTrips() {
        YoloDetector det = YoloDetector.builder()
                .inputShape(1, 16, 16)
                .classes(3)
                .anchors(PRIORS)
                .widths(4, 8)
                .build();
        // one training step so that the updater state and the batch-norm statistics are not at their initial values
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 16, 16);
        det.graph().fit(new DataSet(x, labels(2, 3, 8, 8, 3).castTo(DataType.FLOAT)));
        ComputationGraph back = RoundTrips.assertRoundTrips(det.graph(), x);
        YoloDetector restored = YoloDetector.wrap(
                YoloDetector.builder()
                        .inputShape(1, 16, 16)
                        .classes(3)
                        .anchors(PRIORS)
                        .widths(4, 8),
                back);
        assertThat(restored.detect(x).get(1).boxes())
                .isEqualTo(det.detect(x).get(1).boxes());
    }

    /**
     * The detect conv's weights set to 0 and its bias to fixed raw values: every cell then holds the same raw
     * prediction, so every cell's box is known in pixels: prior 0 at cell (x, y) has centre ((x + 0.25)·s,
     * (y + 0.75)·s), size (p_w·2·s, p_h·1.5·s), score σ(2)·softmax(0, 3)_1 and class 1.
     */
    @Test
    void detectReturnsTheArrangedBoxInPixelCoordinates() {
        YoloDetector det = YoloDetector.builder()
                .inputShape(1, 32, 48)
                .classes(2)
                .anchors(PRIORS)
                .widths(4, 8, 8)
                .build();
        int s = det.gridStride();
        assertThat(s).isEqualTo(4);
        ComputationGraph g = det.graph();
        g.getParam(YoloDetector.DETECT + "_W").assign(0);
        double[] bias = new double[2 * 7];
        bias[0] = Math.log(0.25 / 0.75); // σ⁻¹(0.25)
        bias[1] = Math.log(0.75 / 0.25);
        bias[2] = Math.log(2);
        bias[3] = Math.log(1.5);
        bias[4] = 2;
        bias[5] = 0;
        bias[6] = 3;
        bias[7 + 4] = -3;
        g.getParam(YoloDetector.DETECT + "_b").assign(Nd4j.create(bias).reshape(1, 14));

        List<YoloDecoder.Detections> found = det.detect(Nd4j.rand(DataType.FLOAT, 2, 1, 32, 48));
        assertThat(found).hasSize(2);
        int gridH = det.gridHeight();
        int gridW = det.gridWidth();
        assertThat(gridH).isEqualTo(8);
        assertThat(gridW).isEqualTo(12);
        double score = 1 / (1 + Math.exp(-2)) * Math.exp(3) / (1 + Math.exp(3));
        for (YoloDecoder.Detections d : found) {
            assertThat(d.size()).isEqualTo(2L * gridH * gridW);
            for (int[] cell : new int[][] {{5, 3}, {0, 0}, {11, 7}}) {
                int x = cell[0];
                int y = cell[1];
                int row = y * gridW + x; // prior 0
                double cx = (x + 0.25) * s;
                double cy = (y + 0.75) * s;
                double w = 1.5 * 2 * s;
                double h = 2.0 * 1.5 * s;
                double[] expected = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
                for (int k = 0; k < 4; k++) {
                    assertThat(d.boxes().getDouble(row, k)).isCloseTo(expected[k], within(1e-4));
                }
                assertThat(d.classes().getLong(row)).isEqualTo(1);
                assertThat(d.scores().getDouble(row)).isCloseTo(score, within(1e-6));
                // prior 1 of the same cell: the σ(−3) confidence
                assertThat(d.confidence().getDouble(gridH * gridW + row))
                        .isCloseTo(1 / (1 + Math.exp(3)), within(1e-6));
            }
        }
        // cell (5, 3), prior 0, in pixels: the box (15, 9) – (27, 21)
        assertThat(found.get(0).boxes().getRow(3 * gridW + 5).toDoubleVector())
                .containsExactly(new double[] {15, 9, 27, 21}, within(1e-4));
    }

    @Test
    void aFewAdamStepsLowerTheLossOnAFixedBatch() {
        YoloDetector det = YoloDetector.builder()
                .inputShape(1, 16, 16)
                .classes(2)
                .anchors(PRIORS)
                .widths(8, 16)
                .learningRate(1e-2)
                .build();
        DataSet batch = new DataSet(
                Nd4j.rand(DataType.FLOAT, 4, 1, 16, 16), labels(4, 2, 8, 8, 9).castTo(DataType.FLOAT));
        double before = det.graph().score(batch, false);
        for (int i = 0; i < 40; i++) {
            det.graph().fit(batch);
        }
        assertThat(det.graph().score(batch, false)).isLessThan(0.5 * before);
    }

    /**
     * Folding batch norm into the convolutions changes no output: after some training (running statistics and γ, β
     * away from their initial values) the folded copy's activated output equals the graph's inference output to float
     * rounding, in FLOAT and in DOUBLE, and it has no BN layers.
     */
    @Test
    void foldedBatchNormGivesTheSameOutputs() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            YoloDetector det = YoloDetector.builder()
                    .inputShape(1, 16, 16)
                    .classes(3)
                    .anchors(PRIORS)
                    .widths(4, 8)
                    .learningRate(1e-2)
                    .optDataType(type)
                    .build();
            Nd4j.getRandom().setSeed(17);
            INDArray x = Nd4j.rand(type, 4, 1, 16, 16).muli(3).subi(1);
            DataSet batch = new DataSet(x, labels(4, 3, 8, 8, 5).castTo(type));
            for (int i = 0; i < 20; i++) {
                det.graph().fit(batch);
            }
            INDArray before = det.output(x).dup();
            YoloDetector folded = det.foldedBatchNorm();
            assertThat(det.output(x).sub(before).amaxNumber().doubleValue())
                    .as("%s: folding leaves the detector's own parameters alone", type)
                    .isZero();
            assertThat(folded.isFolded()).isTrue();
            assertThat(det.isFolded()).isFalse();
            assertThat(folded.foldedBatchNorm()).isSameAs(folded);
            assertThat(folded.graph().getVertex("stage0_bn")).isNull();
            assertThat(det.graph().getVertex("stage0_bn")).isNotNull();
            INDArray expected = det.output(x).castTo(DataType.DOUBLE);
            INDArray actual = folded.output(x).castTo(DataType.DOUBLE);
            double tolerance = type == DataType.DOUBLE ? 1e-10 : 1e-4;
            double worst = Transforms.abs(actual.sub(expected)).maxNumber().doubleValue();
            double scale = Transforms.abs(expected).maxNumber().doubleValue();
            assertThat(worst)
                    .as("%s: largest difference (outputs up to %s)", type, scale)
                    .isLessThan(tolerance * Math.max(1, scale));
            // and the outputs are not trivially equal: BN moved away from the identity during training
            INDArray mean = det.graph().getParam("stage0_bn_mean");
            assertThat(Transforms.abs(mean).maxNumber().doubleValue()).isGreaterThan(1e-3);
            // a restored folded graph is recognised as folded
            assertThat(YoloDetector.wrap(
                                    YoloDetector.builder()
                                            .inputShape(1, 16, 16)
                                            .classes(3)
                                            .anchors(PRIORS)
                                            .widths(4, 8),
                                    folded.graph())
                            .isFolded())
                    .isTrue();
        }
    }
}

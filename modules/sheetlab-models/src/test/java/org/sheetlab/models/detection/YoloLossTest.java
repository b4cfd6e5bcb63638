package org.sheetlab.models.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.detection.Boxes;

/**
 * The "the loss is 0 for a perfect prediction and increases with each kind of error", on DL4J's
 * Yolo2OutputLayer alone (the raw t values fed straight in, DOUBLE): one object in one cell, a perfect raw
 * prediction, then one error at a time. Each increase is checked against the closed form of the term it should hit,
 * from YOLOv2's definitions (as {@link YoloDetector}'s Javadoc writes them), for several (λ_coord, λ_noobj) pairs, so
 * that each term is shown to scale with its own λ and not with the other.
 */
class YoloLossTest {
    private static final int GRID_H = 4;
    private static final int GRID_W = 5;
    private static final int CLASSES = 3;
    private static final double[][] PRIORS = {{1.0, 1.5}, {2.5, 2.0}};
    private static final int BLOCK = 5 + CLASSES;
    /** "Certain": σ(40) and the softmax of a 40 logit round to exactly 1.0 in double. */
    private static final double SURE = 40;

    // The object: centre (1.3, 2.6) in grid units (cell x = 1, y = 2), size 1.2 × 1.8 cells, class 2; prior 0
    // responsible.
    private static final int CELL_X = 1;
    private static final int CELL_Y = 2;
    private static final double CX = 1.3;
    private static final double CY = 2.6;
    private static final double W = 1.2;
    private static final double H = 1.8;
    private static final int CLASS = 2;
    private static final int EMPTY_X = 4;
    private static final int EMPTY_Y = 0;

    private static ComputationGraph lossOnly(double lambdaCoord, double lambdaNoObj, int gridH, int gridW) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .graphBuilder()
                .addInputs("raw")
                .setInputTypes(InputType.convolutional(gridH, gridW, PRIORS.length * BLOCK))
                .addLayer(
                        "yolo",
                        new Yolo2OutputLayer.Builder()
                                .boundingBoxPriors(Nd4j.create(PRIORS))
                                .lambdaCoord(lambdaCoord)
                                .lambdaNoObj(lambdaNoObj)
                                .build(),
                        "raw")
                .setOutputs("yolo")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    private static double sigmoid(double t) {
        return 1 / (1 + Math.exp(-t));
    }

    /** Labels [1, 4 + C, H, W]: the object's corners in grid units and its one-hot class at its cell. */
    private static INDArray labels(int gridH, int gridW) {
        INDArray l = Nd4j.zeros(DataType.DOUBLE, 1, 4 + CLASSES, gridH, gridW);
        double[] corner = {CX - W / 2, CY - H / 2, CX + W / 2, CY + H / 2};
        for (int i = 0; i < 4; i++) {
            l.putScalar(new long[] {0, i, CELL_Y, CELL_X}, corner[i]);
        }
        l.putScalar(new long[] {0, 4 + CLASS, CELL_Y, CELL_X}, 1.0);
        return l;
    }

    /**
     * The perfect raw prediction [1, nBoxes·(5+C), H, W]: prior 0 at the object's cell predicts its box exactly
     * (t_x = logit(0.3), t_w = ln(w / p_w), …), confidence σ(40) = 1 and class logit 40; prior 1 there predicts a
     * small box (lower IoU, so not responsible) with confidence σ(−40) ≈ 0; every other (prior, cell) has t_o = −40.
     */
    private static INDArray perfect(int gridH, int gridW) {
        INDArray raw = Nd4j.zeros(DataType.DOUBLE, 1, PRIORS.length * BLOCK, gridH, gridW);
        for (int b = 0; b < PRIORS.length; b++) {
            raw.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(b * BLOCK + 4))
                    .assign(-SURE);
        }
        set(raw, 0, 0, logit(CX - CELL_X));
        set(raw, 0, 1, logit(CY - CELL_Y));
        set(raw, 0, 2, Math.log(W / PRIORS[0][0]));
        set(raw, 0, 3, Math.log(H / PRIORS[0][1]));
        set(raw, 0, 4, SURE);
        set(raw, 0, 5 + CLASS, SURE);
        set(raw, 1, 2, -2);
        set(raw, 1, 3, -2);
        return raw;
    }

    private static void set(INDArray raw, int prior, int channel, double value) {
        raw.putScalar(new long[] {0, prior * BLOCK + channel, CELL_Y, CELL_X}, value);
    }

    private static double score(ComputationGraph g, INDArray raw, INDArray labels) {
        return g.score(new DataSet(raw, labels), false);
    }

    /** IoU of the object's box with the box of centre (cx, cy) and size (w, h), all in grid units. */
    private static double iouWithObject(double cx, double cy, double w, double h) {
        return Boxes.iou(
                CX - W / 2, CY - H / 2, CX + W / 2, CY + H / 2, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    @ParameterizedTest(name = "lambdaCoord {0}, lambdaNoObj {1}")
    @CsvSource({"5.0, 0.5", "1.0, 1.0", "10.0, 0.1"})
    void zeroForAPerfectPredictionAndEachErrorCostsItsOwnTermTimesItsLambda(double lambdaCoord, double lambdaNoObj) {
        ComputationGraph g = lossOnly(lambdaCoord, lambdaNoObj, GRID_H, GRID_W);
        INDArray labels = labels(GRID_H, GRID_W);
        INDArray perfect = perfect(GRID_H, GRID_W);
        // The activated output of the perfect prediction is the encoded label: centre, size, p_c = 1, P(class) = 1.
        INDArray activated = g.output(perfect)[0];
        assertThat(activated.getDouble(0, 0, CELL_Y, CELL_X)).isCloseTo(CX - CELL_X, within(1e-12));
        assertThat(activated.getDouble(0, 2, CELL_Y, CELL_X)).isCloseTo(W, within(1e-12));
        assertThat(activated.getDouble(0, 4, CELL_Y, CELL_X)).isEqualTo(1.0);
        assertThat(activated.getDouble(0, 5 + CLASS, CELL_Y, CELL_X)).isEqualTo(1.0);

        double zero = score(g, perfect, labels);
        assertThat(zero).as("loss of the perfect prediction").isBetween(0.0, 1e-25);

        // Box position: σ(t_x) = 0.5 instead of 0.3 → λ_coord·0.2² in the position term, and the confidence target
        // IoU drops below 1 while p_c stays 1 → (1 − IoU)² in the object-confidence term.
        INDArray position = perfect.dup();
        position.putScalar(new long[] {0, 0, CELL_Y, CELL_X}, 0.0);
        double iouPosition = iouWithObject(CELL_X + 0.5, CY, W, H);
        assertThat(score(g, position, labels))
                .as("position error")
                .isCloseTo(lambdaCoord * 0.2 * 0.2 + sq(1 - iouPosition), within(1e-12));

        // Box size: w = 1.2·e^0.3 → λ_coord(√w − √1.2)², IoU = 1.2 / w (the wider box contains the object).
        INDArray size = perfect.dup();
        size.putScalar(new long[] {0, 2, CELL_Y, CELL_X}, Math.log(W / PRIORS[0][0]) + 0.3);
        double wider = W * Math.exp(0.3);
        assertThat(score(g, size, labels))
                .as("size error")
                .isCloseTo(lambdaCoord * sq(Math.sqrt(wider) - Math.sqrt(W)) + sq(1 - W / wider), within(1e-12));

        // Confidence on the object's cell: p_c = σ(0) = 0.5 against the target IoU = 1 → (1 − 0.5)², no λ.
        INDArray objectConfidence = perfect.dup();
        objectConfidence.putScalar(new long[] {0, 4, CELL_Y, CELL_X}, 0.0);
        assertThat(score(g, objectConfidence, labels))
                .as("confidence error on the object's prior")
                .isCloseTo(0.25, within(1e-12));

        // Confidence in an empty cell: p_c = σ(1) against 0 → λ_noobj·σ(1)².
        INDArray emptyConfidence = perfect.dup();
        emptyConfidence.putScalar(new long[] {0, BLOCK + 4, EMPTY_Y, EMPTY_X}, 1.0);
        assertThat(score(g, emptyConfidence, labels))
                .as("confidence error in an empty cell")
                .isCloseTo(lambdaNoObj * sq(sigmoid(1)), within(1e-12));

        // The object cell's other prior (not responsible) counts as "no object" too: λ_noobj·σ(0)².
        INDArray otherPrior = perfect.dup();
        otherPrior.putScalar(new long[] {0, BLOCK + 4, CELL_Y, CELL_X}, 0.0);
        assertThat(score(g, otherPrior, labels))
                .as("confidence of the non-responsible prior")
                .isCloseTo(lambdaNoObj * 0.25, within(1e-12));

        // Class: equal logits → P = 1/3 each → (1 − 1/3)² + 2·(1/3)² = 2/3 (squared error on the softmax), no λ.
        INDArray wrongClass = perfect.dup();
        wrongClass.putScalar(new long[] {0, 5 + CLASS, CELL_Y, CELL_X}, 0.0);
        assertThat(score(g, wrongClass, labels)).as("class error").isCloseTo(2.0 / 3.0, within(1e-12));

        // The terms add: all five errors together cost the sum of their single costs (the position and size errors
        // share one IoU, so they are left out here).
        INDArray all = perfect.dup();
        all.putScalar(new long[] {0, 4, CELL_Y, CELL_X}, 0.0);
        all.putScalar(new long[] {0, BLOCK + 4, EMPTY_Y, EMPTY_X}, 1.0);
        all.putScalar(new long[] {0, 5 + CLASS, CELL_Y, CELL_X}, 0.0);
        assertThat(score(g, all, labels)).isCloseTo(0.25 + lambdaNoObj * sq(sigmoid(1)) + 2.0 / 3.0, within(1e-12));
    }

    @ParameterizedTest(name = "grid {0}x{1}")
    @CsvSource({"4, 5", "5, 4", "4, 4"})
    void gridShapesSquareOrNotGiveZeroForThePerfectPrediction(int gridH, int gridW) {
        ComputationGraph g = lossOnly(5, 0.5, gridH, gridW);
        assertThat(score(g, perfect(gridH, gridW), labels(gridH, gridW))).isBetween(0.0, 1e-25);
    }

    private static double sq(double x) {
        return x * x;
    }
}

package org.sheetlab.core.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.testing.ReferenceValues;

class NonMaxSuppressionTest {
    private static final NonMaxSuppression SHEET = NonMaxSuppression.sheet();

    private static INDArray boxes(double[]... rows) {
        return Nd4j.createFromArray(rows);
    }

    private static INDArray scores(double... values) {
        return Nd4j.createFromArray(values);
    }

    /** The sheet's steps on a hand case: threshold, sort, keep the top, discard IoU > 0.5 with it, repeat. */
    @Test
    void sheetAlgorithmOnAHandCase() {
        INDArray b = boxes(
                new double[] {0, 0, 10, 10}, // 0: p 0.7
                new double[] {1, 0, 11, 10}, // 1: p 0.9, IoU with 0 = 90/110 > 0.5
                new double[] {20, 20, 30, 30}, // 2: p 0.8, disjoint from the others
                new double[] {0, 0, 10, 10}, // 3: p 0.5 < 0.6: discarded in step 1 (identical to 0)
                new double[] {10, 0, 20, 10}, // 4: p 0.65, touches 0 (IoU 0), IoU 1/19 with 1
                new double[] {2, 2, 8, 8}); // 5: p 0.95, nested in 0 and 1: IoU 36/100 and 36/100 <= 0.5
        INDArray p = scores(0.7, 0.9, 0.8, 0.5, 0.65, 0.95);
        assertThat(SHEET.keep(b, p)).containsExactly(5, 1, 2, 4);
        // IoU threshold 0.3: the nested box 5 now suppresses 1 and 0 (36/100 > 0.3 each)
        assertThat(NonMaxSuppression.of(0.6, 0.3).keep(b, p)).containsExactly(5, 2, 4);
        // without a score threshold box 3 takes part but is suppressed by 1 (IoU 90/110)
        assertThat(NonMaxSuppression.of(Double.NEGATIVE_INFINITY, 0.5).keep(b, p))
                .containsExactly(5, 1, 2, 4);
    }

    @Test
    void identicalBoxesAndTiesKeepTheLowerIndex() {
        INDArray same = boxes(new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 1});
        assertThat(SHEET.keep(same, scores(0.8, 0.8, 0.8))).containsExactly(0);
        assertThat(SHEET.keep(same, scores(0.7, 0.8, 0.8))).containsExactly(1);
        INDArray apart = boxes(new double[] {0, 0, 1, 1}, new double[] {5, 5, 6, 6}, new double[] {2, 2, 3, 3});
        assertThat(SHEET.keep(apart, scores(0.8, 0.9, 0.8))).containsExactly(1, 0, 2);
        assertThat(NonMaxSuppression.sortDescendingStable(new int[] {0, 1, 2, 3, 4}, new double[] {1, 3, 1, 3, 2}))
                .containsExactly(1, 3, 4, 0, 2);
    }

    /** Strictly greater: a box at exactly IoU = threshold survives; the score threshold keeps p_c = 0.6. */
    @Test
    void thresholdsAreStrictForIouAndInclusiveForScores() {
        // IoU of [0,0,3,1] and [1,0,4,1] = 2/4 = 0.5 exactly
        INDArray b = boxes(new double[] {0, 0, 3, 1}, new double[] {1, 0, 4, 1});
        assertThat(Boxes.iou(b, b).getDouble(0, 1)).isEqualTo(0.5);
        assertThat(SHEET.keep(b, scores(0.9, 0.6))).containsExactly(0, 1);
        assertThat(NonMaxSuppression.of(0.6, 0.49).keep(b, scores(0.9, 0.6))).containsExactly(0);
        assertThat(SHEET.keep(b, scores(0.9, Math.nextDown(0.6)))).containsExactly(0);
    }

    @Test
    void emptyInputAllBelowThresholdAndZeroAreaBoxes() {
        assertThat(SHEET.keep(Nd4j.create(DataType.DOUBLE, 0, 4), Nd4j.create(DataType.DOUBLE, 0)))
                .isEmpty();
        INDArray b = boxes(new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 1});
        assertThat(SHEET.keep(b, scores(0.1, 0.59))).isEmpty();
        // zero-area boxes overlap nothing: neither suppresses the other
        INDArray flat = boxes(new double[] {1, 1, 1, 1}, new double[] {1, 1, 1, 1});
        assertThat(SHEET.keep(flat, scores(0.9, 0.8))).containsExactly(0, 1);
        assertThat(SHEET.keepPerClass(
                        Nd4j.create(DataType.FLOAT, 0, 4),
                        Nd4j.create(DataType.FLOAT, 0),
                        Nd4j.create(DataType.INT32, 0)))
                .isEmpty();
    }

    @Test
    void perClassSuppressesOnlyWithinAClass() {
        INDArray b = boxes(new double[] {0, 0, 10, 10}, new double[] {0, 0, 10, 10}, new double[] {1, 0, 11, 10});
        INDArray p = scores(0.9, 0.8, 0.7);
        assertThat(SHEET.keep(b, p)).containsExactly(0);
        assertThat(SHEET.keepPerClass(b, p, Nd4j.createFromArray(0, 1, 0))).containsExactly(0, 1);
        assertThat(SHEET.keepPerClass(b, p, Nd4j.createFromArray(0, 1, 2))).containsExactly(0, 1, 2);
        assertThatThrownBy(() -> SHEET.keepPerClass(b, p, Nd4j.createFromArray(0.0, 0.5, 1.0)))
                .hasMessageContaining("not an integer")
                .hasMessageContaining("argmax");
        assertThatThrownBy(() -> SHEET.keepPerClass(b, p, Nd4j.createFromArray(0, 1)))
                .hasMessageContaining("one class per box");
    }

    @Test
    void badInputIsRefused() {
        INDArray b = boxes(new double[] {0, 0, 1, 1}, new double[] {2, 0, 1, 1});
        assertThatThrownBy(() -> SHEET.keep(b, scores(0.9, 0.8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NMS boxes: box 1")
                .hasMessageContaining("x2 < x1");
        INDArray ok = boxes(new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 1});
        assertThatThrownBy(() -> SHEET.keep(ok, scores(0.9))).hasMessageContaining("one p_c per box");
        assertThatThrownBy(() -> SHEET.keep(ok, scores(0.9, Double.NaN))).hasMessageContaining("box 1 is NaN");
        assertThatThrownBy(() -> SHEET.keep(Nd4j.create(DataType.DOUBLE, 2, 5), scores(0.9, 0.8)))
                .hasMessageContaining("[N, 4]");
        assertThatThrownBy(() -> NonMaxSuppression.of(0.6, 1.5)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> NonMaxSuppression.of(Double.NaN, 0.5)).hasMessageContaining("NaN");
    }

    /**
     * reference/detection.py: 3000 clustered random boxes (a few of zero area) with distinct scores, for five
     * (score, IoU) threshold pairs the sheet's included: torchvision.ops.nms on the boxes over the score threshold,
     * and batched_nms with 5 classes; and 1000 boxes with tied scores on 5 levels, against nms run in index order.
     * Kept indices and their order must agree exactly.
     */
    @Test
    void agreesWithTorchvisionNmsAndBatchedNms() {
        var ref = ReferenceValues.load("/reference/detection.json");
        JsonNode root = ref.root();
        INDArray b = ReferenceValues.array(root.get("boxes"));
        INDArray p = ReferenceValues.array(root.get("scores"));
        INDArray c = ReferenceValues.array(root.get("classes"));
        assertThat(b.size(0)).isEqualTo(3000);
        assertThat(ref.cases()).hasSize(5);
        for (JsonNode run : ref.cases()) {
            var nms = NonMaxSuppression.of(
                    run.get("score_threshold").asDouble(),
                    run.get("iou_threshold").asDouble());
            String what = "thresholds " + nms.scoreThreshold() + ", " + nms.iouThreshold();
            int[] expected = ints(run.get("keep"));
            assertThat(expected.length).as(what).isGreaterThan(100);
            assertThat(nms.keep(b, p)).as(what).containsExactly(expected);
            assertThat(nms.keep(b.castTo(DataType.FLOAT), p))
                    .as(what + ", FLOAT boxes")
                    .hasSize(expected.length);
            assertThat(nms.keepPerClass(b, p, c))
                    .as(what + ", per class")
                    .containsExactly(ints(run.get("keep_batched")));
        }
        INDArray first = b.get(NDArrayIndex.interval(0, 1000), NDArrayIndex.all());
        int[] tieKeep = NonMaxSuppression.of(Double.NEGATIVE_INFINITY, 0.5)
                .keep(first, ReferenceValues.array(root.get("tie_scores")));
        assertThat(tieKeep).as("tied scores, index order").containsExactly(ints(root.get("tie_keep")));
    }

    /** The greedy pass's own IoU makes the same decisions as thresholding {@link Boxes#iou}'s matrix. */
    @Test
    void agreesWithTheSheetStepsOverTheIouMatrix() {
        Nd4j.getRandom().setSeed(7);
        int n = 400;
        INDArray lo = Nd4j.rand(DataType.DOUBLE, n, 2).muli(100);
        INDArray b = Nd4j.hstack(lo, lo.add(Nd4j.rand(DataType.DOUBLE, n, 2).muli(30)));
        INDArray p = Nd4j.rand(DataType.DOUBLE, n);
        double[][] iou = Boxes.iou(b, b).toDoubleMatrix();
        double[] s = p.toDoubleVector();
        int[] order = NonMaxSuppression.sortDescendingStable(
                java.util.stream.IntStream.range(0, n).filter(i -> s[i] >= 0.6).toArray(), s);
        java.util.List<Integer> expected = new java.util.ArrayList<>();
        boolean[] gone = new boolean[n];
        for (int i : order) {
            if (!gone[i]) {
                expected.add(i);
                for (int j : order) {
                    gone[j] |= iou[i][j] > 0.5;
                }
            }
        }
        assertThat(expected.size()).isBetween(20, 150);
        assertThat(SHEET.keep(b, p))
                .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * DL4J's op ({@code Nd4j.image().nonMaxSuppression}, boxes as [y1, x1, y2, x2]) on the sheet's thresholds: its
     * first entries are the same kept indices; the rest of its output is zeros (more entries than it kept, fewer
     * than maxOut here), so its count cannot be read from its output.
     */
    @Test
    void agreesWithDl4jsOpUpToItsPadding() {
        var ref = ReferenceValues.load("/reference/detection.json");
        INDArray b =
                ReferenceValues.array(ref.root().get("boxes")).get(NDArrayIndex.interval(0, 500), NDArrayIndex.all());
        INDArray p = ReferenceValues.array(ref.root().get("scores")).get(NDArrayIndex.interval(0, 500));
        int[] ours = SHEET.keep(b, p);
        INDArray yx = Nd4j.hstack(
                b.getColumn(1).reshape(500, 1),
                b.getColumn(0).reshape(500, 1),
                b.getColumn(3).reshape(500, 1),
                b.getColumn(2).reshape(500, 1));
        // no score in these 500 boxes equals 0.6 (scores are distinct multiples of 1e-4 and only one can be 0.6)
        int[] theirs = Nd4j.image().nonMaxSuppression(yx, p, 500, 0.5, 0.6).toIntVector();
        assertThat(ours.length).isGreaterThan(20);
        assertThat(theirs.length).isGreaterThan(ours.length);
        assertThat(Arrays.copyOf(theirs, ours.length)).containsExactly(ours);
        assertThat(Arrays.copyOfRange(theirs, ours.length, theirs.length))
                .as("DL4J's zero padding")
                .containsOnly(0);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}

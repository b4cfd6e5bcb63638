package org.sheetlab.core.detection;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sheet, "YOLO &amp; Object Detection", Non-Max Suppression Algorithm, exactly as the sheet states it:
 * <ol>
 *   <li>discard boxes with p_c &lt; 0.6 (kept: p_c ≥ {@code scoreThreshold});</li>
 *   <li>sort by p_c descending (stable: equal scores keep their input order, the lower index first);</li>
 *   <li>keep the top box, discard every remaining box with IoU &gt; 0.5 against it (strictly greater, as in
 *       torchvision: a box at exactly the threshold survives);</li>
 *   <li>repeat with the next remaining box.</li>
 * </ol>
 * Both thresholds are options ({@link #of}); {@link #sheet()} uses the sheet's 0.6 and 0.5. {@link #keepPerClass}
 * runs the same algorithm but a box only suppresses boxes of its own class (torchvision's {@code batched_nms}).
 * Input: corner boxes {@code [N, 4]} (x1, y1, x2, y2; see {@link Boxes}, convert YOLO's (cx, cy, w, h) with
 * {@link Boxes#centreToCorner}), scores {@code [N]}, classes {@code [N]} (integer values). Output: the kept indices
 * into the input, in the order kept (scores descending), exactly as long as the number of kept boxes. IoU follows
 * {@link Boxes#iou}: touching boxes and zero-area boxes have IoU 0, so they never suppress anything.
 *
 * <p>How it runs: the score threshold, the stable sort, the boxes copied out of ND4J once into a primitive array in
 * score order, then the greedy pass over primitive arrays, computing each IoU with {@link Boxes#iou}'s operations in its order (so the
 * decisions are the same as thresholding that matrix): O(kept·K) work, O(K) memory for K boxes over the score
 * threshold, no per-box objects. This is the shape of torchvision's own CPU kernel. A first version computed the IoU
 * in ND4J tiles ([256, K] per tile through {@link Boxes#iou}) and took 55 ms for 1,000 boxes and 1.9 s for 10,000
 * against torchvision's 0.26 ms and 48 ms ({@code scripts/bench nms}): per-op overhead on small arrays, so the pairwise
 * matrix stays in {@link Boxes#iou} for callers who want it and the greedy pass does not use it. With distinct scores
 * the result equals torchvision.ops.nms (after its caller drops the boxes under the score threshold, since
 * torchvision's nms has none) and batched_nms; with tied scores the order here is defined
 * (input order), torchvision's follows its sort.
 *
 * <p>Differs from DL4J's {@code Nd4j.image().nonMaxSuppression(boxes, scores, maxOut, iou, scoreThreshold)}: that op
 * takes boxes as [y1, x1, y2, x2] and returns the kept indices (the same as here, in the same order, on the
 * test's 500 random boxes) followed by zeros: its output is longer than the kept count (DL4J-NOTES saw it padded to
 * {@code maxOut}), so a kept index 0 and padding look alike and the count must be known separately; it has no
 * per-class variant; this
 * class returns exactly the kept indices and refuses malformed boxes (x2 &lt; x1) instead of accepting them.
 */
public final class NonMaxSuppression {
    /** The sheet's step 1: discard p_c &lt; 0.6. */
    public static final double SHEET_SCORE_THRESHOLD = 0.6;
    /** The sheet's step 3: discard IoU &gt; 0.5 with the kept box. */
    public static final double SHEET_IOU_THRESHOLD = 0.5;

    private final double scoreThreshold;
    private final double iouThreshold;

    private NonMaxSuppression(double scoreThreshold, double iouThreshold) {
        this.scoreThreshold = scoreThreshold;
        this.iouThreshold = iouThreshold;
    }

    /** The sheet's NMS: score threshold 0.6, IoU threshold 0.5. */
    public static NonMaxSuppression sheet() {
        return of(SHEET_SCORE_THRESHOLD, SHEET_IOU_THRESHOLD);
    }

    /**
     * NMS that keeps boxes with score ≥ {@code scoreThreshold} and discards boxes with IoU &gt; {@code iouThreshold}
     * against a kept box. Use {@code Double.NEGATIVE_INFINITY} as the score threshold to keep every score.
     */
    public static NonMaxSuppression of(double scoreThreshold, double iouThreshold) {
        if (Double.isNaN(scoreThreshold)) {
            throw new IllegalArgumentException("NMS: the score threshold is NaN; give a number (the sheet uses 0.6)");
        }
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "NMS: the IoU threshold must lie in [0, 1], got " + iouThreshold + " (the sheet uses 0.5)");
        }
        return new NonMaxSuppression(scoreThreshold, iouThreshold);
    }

    public double scoreThreshold() {
        return scoreThreshold;
    }

    public double iouThreshold() {
        return iouThreshold;
    }

    /** Kept indices into {@code boxes [N, 4]} (corner) with {@code scores [N]}, in the order kept. */
    public int[] keep(INDArray boxes, INDArray scores) {
        return run(boxes, scores, null);
    }

    /**
     * Per-class NMS: as {@link #keep}, but a kept box suppresses only boxes whose {@code classes [N]} value equals its
     * own. The result is in score order over all classes (as torchvision's batched_nms).
     */
    public int[] keepPerClass(INDArray boxes, INDArray scores, INDArray classes) {
        Boxes.requireCorner(boxes, "NMS boxes");
        long n = boxes.size(0);
        if (classes == null || classes.length() != n || (classes.rank() > 1 && classes.length() != classes.size(0))) {
            throw new IllegalArgumentException("NMS: classes must be a vector [N] with one class per box, N = " + n
                    + ", got " + (classes == null ? "null" : Arrays.toString(classes.shape())));
        }
        double[] values = n == 0
                ? new double[0]
                : classes.castTo(DataType.DOUBLE).reshape(n).toDoubleVector();
        int[] labels = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || Math.abs(values[i]) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("NMS: class of box " + i + " is " + values[i]
                        + ", not an integer; pass class indices, not probabilities (take the argmax first)");
            }
            labels[i] = (int) values[i];
        }
        return run(boxes, scores, labels);
    }

    private int[] run(INDArray boxes, INDArray scores, int[] labels) {
        Boxes.requireCorner(boxes, "NMS boxes");
        long n = boxes.size(0);
        if (scores == null || scores.length() != n || (scores.rank() > 1 && scores.length() != scores.size(0))) {
            throw new IllegalArgumentException("NMS: scores must be a vector [N] with one p_c per box, N = " + n
                    + ", got " + (scores == null ? "null" : Arrays.toString(scores.shape())));
        }
        if (n == 0) {
            return new int[0];
        }
        double[] s = scores.castTo(DataType.DOUBLE).reshape(n).toDoubleVector();
        int count = 0;
        int[] candidates = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (Double.isNaN(s[i])) {
                throw new IllegalArgumentException("NMS: score of box " + i + " is NaN");
            }
            if (s[i] >= scoreThreshold) { // step 1: discard p_c < threshold
                candidates[count++] = i;
            }
        }
        int[] order = sortDescendingStable(Arrays.copyOf(candidates, count), s); // step 2
        int k = order.length;
        if (k == 0) {
            return new int[0];
        }
        // the coordinates in score order, in one primitive array (INDArray.getRows costs an op per row: 7 ms for 600)
        double[] all = boxes.castTo(DataType.DOUBLE).reshape(4 * n).toDoubleVector();
        double[] c = new double[4 * k];
        double[] area = new double[k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(all, 4 * order[i], c, 4 * i, 4);
            area[i] = (c[4 * i + 2] - c[4 * i]) * (c[4 * i + 3] - c[4 * i + 1]);
        }
        boolean[] suppressed = new boolean[k];
        int[] kept = new int[k];
        int keptCount = 0;
        for (int i = 0; i < k; i++) { // steps 3 and 4
            if (suppressed[i]) {
                continue;
            }
            kept[keptCount++] = order[i];
            double x1 = c[4 * i];
            double y1 = c[4 * i + 1];
            double x2 = c[4 * i + 2];
            double y2 = c[4 * i + 3];
            for (int j = i + 1; j < k; j++) {
                if (suppressed[j] || (labels != null && labels[order[j]] != labels[order[i]])) {
                    continue;
                }
                // Boxes.iou's operations in its order; a zero union gives NaN here, and NaN > t is false, as IoU 0
                double w = Math.max(0, Math.min(x2, c[4 * j + 2]) - Math.max(x1, c[4 * j]));
                double h = Math.max(0, Math.min(y2, c[4 * j + 3]) - Math.max(y1, c[4 * j + 1]));
                double inter = w * h;
                if (inter / (area[i] + area[j] - inter) > iouThreshold) {
                    suppressed[j] = true;
                }
            }
        }
        return Arrays.copyOf(kept, keptCount);
    }

    /** {@code idx} sorted by {@code score[idx]} descending; stable (ties: index order), as the JDK's object sort is. */
    static int[] sortDescendingStable(int[] idx, double[] score) {
        return Arrays.stream(idx)
                .boxed()
                .sorted((p, q) -> score[q] > score[p] ? 1 : score[q] < score[p] ? -1 : 0)
                .mapToInt(Integer::intValue)
                .toArray();
    }
}

package org.sheetlab.core.metrics.detection;

import java.util.Arrays;
import java.util.List;

/**
 * Per-class average precision at each IoU threshold, the curves they come from, and their means. A class that has
 * detections but no ground truths that are not difficult has AP NaN (undefined: recall 0/0) and is left out of every
 * mean, as VOC (classes are those annotated) and COCO (precision −1) do; a class with ground truths but no detections
 * has AP 0 and counts.
 *
 * @param classes the classes evaluated, ascending: every class of a detection or a ground truth [C]
 * @param iouThresholds the IoU thresholds [T]
 * @param averagePrecision AP per class and threshold [C][T], NaN for a class without ground truths
 * @param curves the curve per class and threshold [C][T]
 */
public record DetectionEvaluation(
        int[] classes, double[] iouThresholds, double[][] averagePrecision, DetectionPrCurve[][] curves) {
    /**
     * mAP: the mean of AP over the classes with ground truths and over all thresholds (for one threshold 0.5,
     * mAP@0.5; for 0.50:0.05:0.95, COCO's mAP@[0.5:0.95]); NaN when no class has ground truths.
     */
    public double meanAveragePrecision() {
        return mean(
                Arrays.stream(averagePrecision).flatMapToDouble(Arrays::stream).toArray());
    }

    /** mAP at the threshold with index {@code t}: the mean of AP over the classes with ground truths. */
    public double meanAveragePrecision(int t) {
        return mean(Arrays.stream(averagePrecision).mapToDouble(row -> row[t]).toArray());
    }

    /** A class's AP averaged over the thresholds (NaN without ground truths). */
    public double averagePrecision(int classId) {
        return mean(averagePrecision[index(classId)]);
    }

    /** A class's AP at the threshold with index {@code t}. */
    public double averagePrecision(int classId, int t) {
        return averagePrecision[index(classId)][t];
    }

    /** A class's curve at the threshold with index {@code t}. */
    public DetectionPrCurve curve(int classId, int t) {
        return curves[index(classId)][t];
    }

    /** The curves of one class, one per threshold. */
    public List<DetectionPrCurve> curves(int classId) {
        return List.of(curves[index(classId)]);
    }

    private int index(int classId) {
        int i = Arrays.binarySearch(classes, classId);
        if (i < 0) {
            throw new IllegalArgumentException("class " + classId + " has neither detections nor ground truths; "
                    + "evaluated classes: " + Arrays.toString(classes));
        }
        return i;
    }

    /** Mean over the defined (non-NaN) values; NaN when there are none. */
    private static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}

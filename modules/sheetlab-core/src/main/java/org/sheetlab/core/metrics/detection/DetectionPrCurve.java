package org.sheetlab.core.metrics.detection;

/**
 * The precision–recall curve of one class at one IoU threshold: one point per ranked detection that is not ignored
 * (highest score first), recall r_k = TP_k / G and precision p_k = TP_k / k' with TP_k the true positives among the
 * first k' counted detections and G the class's ground truths that are not difficult. A class without such ground
 * truths has recall NaN (0/0) throughout. Shapes: all arrays [K], K the counted detections.
 *
 * @param classId the class
 * @param iouThreshold the threshold the matches were made at
 * @param groundTruths G
 * @param scores the detections' scores, descending
 * @param recall r_k
 * @param precision p_k
 */
public record DetectionPrCurve(
        int classId, double iouThreshold, int groundTruths, double[] scores, double[] recall, double[] precision) {
    /** The number of points. */
    public int size() {
        return scores.length;
    }

    /** The monotone precision envelope max_{j ≥ k} p_j [K] whose area is the all-point AP. */
    public double[] envelope() {
        return Interpolation.envelope(recall, precision);
    }
}

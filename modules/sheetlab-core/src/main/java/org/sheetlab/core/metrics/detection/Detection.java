package org.sheetlab.core.metrics.detection;

/**
 * One detection to evaluate: the image it belongs to, its predicted class, its score (YOLO's p_c times the class
 * probability, or any confidence: only the order matters) and its box in corner format (x1, y1) top-left, (x2, y2)
 * bottom-right, continuous coordinates (area (x2 − x1)(y2 − y1), no +1 pixel).
 *
 * @param image the image's id, compared with {@link GroundTruth#image()} by {@code equals}
 * @param classId the predicted class
 * @param score the confidence; higher ranks first
 */
public record Detection(String image, int classId, double score, double x1, double y1, double x2, double y2) {
    public Detection {
        if (image == null) {
            throw new IllegalArgumentException(
                    "a detection needs an image id (got null): use the id its ground truths carry");
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("detection score must be finite, got " + score + " (image " + image
                    + ", class " + classId + "): drop or clip non-finite scores before evaluating");
        }
        GroundTruth.checkBox("detection", image, x1, y1, x2, y2);
    }
}

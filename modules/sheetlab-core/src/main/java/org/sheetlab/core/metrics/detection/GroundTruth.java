package org.sheetlab.core.metrics.detection;

import org.sheetlab.core.detection.Boxes;

/**
 * One annotated object: its image, class and box in corner format (x1, y1, x2, y2), continuous coordinates, and VOC's
 * optional "difficult" flag. A difficult object is not counted in recall and a detection matched to it counts neither
 * as a true nor as a false positive (VOC; in the COCO rule it plays the part of an ignored ground truth).
 *
 * @param image the image's id, compared with {@link Detection#image()} by {@code equals}
 * @param classId the object's class
 * @param difficult VOC's flag: present but not required to be found
 */
public record GroundTruth(String image, int classId, double x1, double y1, double x2, double y2, boolean difficult) {
    public GroundTruth {
        if (image == null) {
            throw new IllegalArgumentException("a ground truth needs an image id (got null)");
        }
        checkBox("ground truth", image, x1, y1, x2, y2);
    }

    /** An object that is not difficult. */
    public GroundTruth(String image, int classId, double x1, double y1, double x2, double y2) {
        this(image, classId, x1, y1, x2, y2, false);
    }

    static void checkBox(String what, String image, double x1, double y1, double x2, double y2) {
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new IllegalArgumentException(what + " box in image " + image + " has a non-finite coordinate: (" + x1
                    + ", " + y1 + ", " + x2 + ", " + y2 + ")");
        }
        if (x2 < x1 || y2 < y1) {
            throw new IllegalArgumentException(what + " box in image " + image + " is not in corner format (x1, y1, "
                    + "x2, y2) with x1 <= x2 and y1 <= y2: (" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "); convert "
                    + "centre (cx, cy, w, h) or (x, y, w, h) boxes to corners first");
        }
    }

    /**
     * IoU = Intersection / Union of two corner boxes (x1, y1, x2, y2), continuous coordinates; 0 when the union is
     * empty (two boxes of zero area).
     */
    static double iou(double ax1, double ay1, double ax2, double ay2, double bx1, double by1, double bx2, double by2) {
        return Boxes.iou(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2);
    }

    /** IoU of this object's box with a detection's. */
    double iou(Detection d) {
        return iou(x1, y1, x2, y2, d.x1(), d.y1(), d.x2(), d.y2());
    }
}

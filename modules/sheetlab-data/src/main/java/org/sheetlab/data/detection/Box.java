package org.sheetlab.data.detection;

/**
 * One labelled bounding box in pixel-edge coordinates: it covers columns {@code xmin..xmax-1} and rows
 * {@code ymin..ymax-1} of the image, so {@code 0 ≤ xmin < xmax ≤ width} and {@code 0 ≤ ymin < ymax ≤ height}.
 *
 * @param className the VOC {@code name} of the object
 * @param classId its index in the dataset's class list
 */
public record Box(String className, int classId, int xmin, int ymin, int xmax, int ymax) {
    public Box {
        if (xmin >= xmax || ymin >= ymax) {
            throw new IllegalArgumentException("box of " + className + " is empty or inverted: x " + xmin + ".." + xmax
                    + ", y " + ymin + ".." + ymax + " (need xmin < xmax and ymin < ymax)");
        }
    }

    public int width() {
        return xmax - xmin;
    }

    public int height() {
        return ymax - ymin;
    }

    /** The centre x in pixels, {@code (xmin + xmax) / 2}. */
    public double centerX() {
        return (xmin + xmax) / 2.0;
    }

    /** The centre y in pixels, {@code (ymin + ymax) / 2}. */
    public double centerY() {
        return (ymin + ymax) / 2.0;
    }

    /** True when the box lies inside a {@code width × height} image. */
    public boolean inside(int width, int height) {
        return xmin >= 0 && ymin >= 0 && xmax <= width && ymax <= height;
    }
}

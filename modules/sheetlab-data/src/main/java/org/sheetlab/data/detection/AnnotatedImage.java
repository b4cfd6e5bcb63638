package org.sheetlab.data.detection;

import java.nio.file.Path;
import java.util.List;

/**
 * One image of a detection set and its boxes, as its VOC annotation states them.
 *
 * @param id the image id (file name without extension, the line of {@code ImageSets/Main/<split>.txt})
 * @param image the image file
 * @param width the annotation's {@code size/width} in pixels
 * @param height {@code size/height}
 * @param depth {@code size/depth} (channels: 1 grey, 3 colour)
 * @param boxes the objects, in annotation order
 */
public record AnnotatedImage(String id, Path image, int width, int height, int depth, List<Box> boxes) {
    public AnnotatedImage {
        boxes = List.copyOf(boxes);
    }
}

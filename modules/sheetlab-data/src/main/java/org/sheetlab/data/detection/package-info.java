/**
 * Object-detection data for the sheet's YOLO &amp; Object Detection section: images with labelled bounding boxes in
 * the Pascal VOC layout, and a seeded generator of such a set from real images (Fashion-MNIST items pasted onto larger
 * canvases, the "different aspect ratios → use YOLO" case of Transfer Learning).
 *
 * <p>Layout read and written ({@link org.sheetlab.data.detection.VocDataset}): {@code root/Annotations/<id>.xml} (VOC
 * XML: {@code size/width,height,depth} and one {@code object} per box with {@code name} and
 * {@code bndbox/xmin,ymin,xmax,ymax}), the images in {@code root/PNGImages/} or {@code root/JPEGImages/}, and the splits
 * {@code root/ImageSets/Main/<split>.txt}, one image id per line. Box coordinates are pixel edges:
 * {@code 0 ≤ xmin < xmax ≤ width}, so a box covers columns {@code xmin..xmax-1} and its centre is
 * {@code ((xmin+xmax)/2, (ymin+ymax)/2)}.
 *
 * <p>Two readers of the same files: {@link org.sheetlab.data.detection.VocDataset#read} returns the boxes and class
 * ids per image (for mAP evaluation), and {@link org.sheetlab.data.detection.VocDataset#objectDetectionReader} wraps
 * DataVec's {@code ObjectDetectionRecordReader} with its {@code VocLabelProvider}, whose labels are the YOLO grid
 * tensor {@code [4+C, gridH, gridW]} that DL4J's {@code Yolo2OutputLayer} expects (channels 0–3: the box corners
 * x1, y1, x2, y2 in grid units, at the cell holding the box centre; channels 4..: the one-hot class). Class ids are the
 * class names sorted (DataVec's order) unless a class list is given.
 *
 * <p>{@link org.sheetlab.data.detection.DetectionArrays} reads a split through that reader into memory (images
 * [N, C, H, W] in [0, 1], YOLO labels [N, 4+C, gridH, gridW]) and serves seekable, per-epoch reshuffled mini-batches
 * for the training harness.
 *
 * <p>{@link org.sheetlab.data.detection.PastedItemsGenerator} writes the generated set; {@code datasets/fashion-detect}
 * documents it.
 */
package org.sheetlab.data.detection;

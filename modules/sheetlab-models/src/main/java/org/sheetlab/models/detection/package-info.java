/**
 * Sheet section "YOLO &amp; Object Detection", the pieces around DL4J's {@code Yolo2OutputLayer}: anchor box priors
 * chosen by k-means on the training boxes' (w, h) with the YOLOv2 distance d = 1 − IoU ({@link
 * org.sheetlab.models.detection.AnchorKMeans}), and decoding of the layer's activated output [B, nBoxes·(5+C), H, W]
 * into corner boxes in image pixels, scores and classes ready for {@link
 * org.sheetlab.core.detection.NonMaxSuppression} ({@link org.sheetlab.models.detection.YoloDecoder}), and the
 * detector itself: a small conv + batch norm + leaky ReLU backbone ending in the Yolo2OutputLayer, with its loss
 * terms weighted by λ_coord and λ_noobj ({@link org.sheetlab.models.detection.YoloDetector}).
 */
package org.sheetlab.models.detection;

/**
 * Sheet section "YOLO &amp; Object Detection": evaluating a detector with average precision. Detections
 * ({@link org.sheetlab.core.metrics.detection.Detection}: image, class, score p_c, corner box x1, y1, x2, y2) are
 * matched greedily, highest score first, to the ground truths
 * ({@link org.sheetlab.core.metrics.detection.GroundTruth}: image, class, box, VOC's optional "difficult" flag) of the
 * same class in the same image at an IoU threshold (IoU = Intersection / Union, as on the sheet), each ground truth
 * matched at most once ({@link org.sheetlab.core.metrics.detection.Matching}: the VOC devkit's or pycocotools' rule).
 * The ranked matches give a precision–recall curve per class and threshold
 * ({@link org.sheetlab.core.metrics.detection.DetectionPrCurve}), its area the average precision
 * ({@link org.sheetlab.core.metrics.detection.Interpolation}: VOC's all-point envelope or COCO's 101 recall points),
 * and {@link org.sheetlab.core.metrics.detection.DetectionEvaluator} returns per-class AP and mAP
 * ({@link org.sheetlab.core.metrics.detection.DetectionEvaluation}): mAP@0.5 (VOC) and mAP@[0.5:0.95] (COCO).
 * Plain Java: the inputs are lists of records, and the work per class is sorting and one pass per threshold.
 */
package org.sheetlab.core.metrics.detection;

/**
 * Sheet section "YOLO &amp; Object Detection": IoU = Intersection / Union for boxes in corner (x1, y1, x2, y2) and
 * centre (cx, cy, w, h) formats, the pairwise IoU matrix [N, M] as one broadcast ND4J expression
 * ({@link org.sheetlab.core.detection.Boxes}), and the sheet's Non-Max Suppression (discard p_c &lt; 0.6, sort by p_c
 * descending, keep the top box, discard IoU &gt; 0.5 with it, repeat), with both thresholds as options and a per-class
 * variant ({@link org.sheetlab.core.detection.NonMaxSuppression}). Both agree with torchvision.ops (box_iou, nms,
 * batched_nms) on thousands of random boxes (test resource reference/detection.py).
 */
package org.sheetlab.core.detection;

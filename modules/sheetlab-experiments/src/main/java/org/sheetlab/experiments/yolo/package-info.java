/**
 * The {@code yolo} experiment (sheet section "YOLO &amp; Object Detection"): a YOLOv2-style detector trained on a
 * Pascal VOC detection set read through DataVec, evaluated with mAP@0.5 and mAP@[0.5:0.95], and the sheet's
 * non-max suppression thresholds (p_c 0.6, IoU 0.5) set against others.
 */
package org.sheetlab.experiments.yolo;

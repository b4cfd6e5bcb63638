package org.sheetlab.core.metrics.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sheet section "YOLO &amp; Object Detection": mean average precision of detections against ground truths.
 *
 * <p>For each class c and IoU threshold t (IoU = Intersection / Union of corner boxes, continuous coordinates): the
 * detections of c, cut to the {@code maxDetections} highest-scoring per image, are ranked by score descending (ties
 * in input order) and matched greedily, one at a time, to the ground truths of c in the same image by the
 * {@link Matching} rule; each ground truth is matched at most once, so duplicates are false positives, and detections
 * matched to difficult objects are ignored. The ranked outcomes give recall r_k = TP_k / G (G: ground truths of c that
 * are not difficult) and precision p_k = TP_k / (TP_k + FP_k) ({@link DetectionPrCurve}), and AP is the area under
 * their precision envelope by the {@link Interpolation}. mAP is the mean of AP over the classes with ground truths
 * (a class with none has AP NaN and is left out, as VOC and COCO do) and over the thresholds.
 *
 * <p>Two presets, each checked against an independent NumPy statement of its definition
 * (src/test/resources/reference/detection_map.py):
 * <ul>
 *   <li>{@link #voc()}: mAP@0.5, the PASCAL VOC devkit (2010+): IoU &gt; 0.5, {@link Matching#VOC},
 *       {@link Interpolation#ALL_POINTS}, no cap on detections.
 *   <li>{@link #coco()}: mAP@[0.5:0.95], pycocotools' bbox AP (area "all", maxDets 100): IoU ≥ t for t in
 *       0.50:0.05:0.95 (NumPy's linspace(0.5, 0.95, 10)), {@link Matching#COCO}, {@link Interpolation#COCO_101},
 *       at most 100 detections per image and class.
 * </ul>
 * Other combinations, e.g. the COCO thresholds with all-point interpolation, come from the {@code with} methods.
 * Differences from the reference programs: boxes have area (x2 − x1)(y2 − y1) (the VOC devkit adds a pixel), a
 * detection in an image without ground truths is a false positive, and COCO's "difficult" is its ignore flag (no crowd
 * boxes, no area ranges).
 *
 * <p>Inputs: lists of {@link Detection} [N] and {@link GroundTruth} [M]; output {@link DetectionEvaluation} with AP
 * [C][T] and curves [C][T]. Cost: O(T · Σ_images D_i · G_i) IoU look-ups after one IoU per same-image pair.
 */
public final class DetectionEvaluator {
    private final double[] iouThresholds;
    private final Matching matching;
    private final Interpolation interpolation;
    private final int maxDetections;

    private DetectionEvaluator(
            double[] iouThresholds, Matching matching, Interpolation interpolation, int maxDetections) {
        if (iouThresholds.length == 0) {
            throw new IllegalArgumentException("at least one IoU threshold is needed, e.g. 0.5");
        }
        for (double t : iouThresholds) {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("IoU thresholds lie in [0, 1], got " + t);
            }
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException("maxDetections (per image and class) must be at least 1, got "
                    + maxDetections + "; use Integer.MAX_VALUE for no cap");
        }
        this.iouThresholds = iouThresholds.clone();
        this.matching = matching;
        this.interpolation = interpolation;
        this.maxDetections = maxDetections;
    }

    /** mAP@0.5 as the PASCAL VOC devkit: threshold 0.5 (IoU &gt; 0.5), VOC matching, all-point AP, no cap. */
    public static DetectionEvaluator voc() {
        return new DetectionEvaluator(new double[] {0.5}, Matching.VOC, Interpolation.ALL_POINTS, Integer.MAX_VALUE);
    }

    /**
     * mAP@[0.5:0.95] as pycocotools: thresholds {@link #cocoThresholds()} (IoU ≥ t), COCO matching, 101-point AP, at
     * most 100 detections per image and class.
     */
    public static DetectionEvaluator coco() {
        return new DetectionEvaluator(cocoThresholds(), Matching.COCO, Interpolation.COCO_101, 100);
    }

    /**
     * 0.50, 0.55, …, 0.95 computed as NumPy's linspace(0.5, 0.95, 10) (0.5 + i · (0.95 − 0.5)/9, the last exactly
     * 0.95), so that an IoU on a threshold compares as it does in pycocotools.
     */
    public static double[] cocoThresholds() {
        double step = (0.95 - 0.5) / 9;
        double[] t = new double[10];
        for (int i = 0; i < 9; i++) {
            t[i] = i * step + 0.5;
        }
        t[9] = 0.95;
        return t;
    }

    /** The same evaluator at other IoU thresholds. */
    public DetectionEvaluator withIouThresholds(double... thresholds) {
        return new DetectionEvaluator(thresholds, matching, interpolation, maxDetections);
    }

    /** The same evaluator with another matching rule. */
    public DetectionEvaluator withMatching(Matching rule) {
        return new DetectionEvaluator(iouThresholds, rule, interpolation, maxDetections);
    }

    /** The same evaluator with another interpolation. */
    public DetectionEvaluator withInterpolation(Interpolation rule) {
        return new DetectionEvaluator(iouThresholds, matching, rule, maxDetections);
    }

    /** The same evaluator keeping at most {@code n} detections per image and class (Integer.MAX_VALUE: all). */
    public DetectionEvaluator withMaxDetections(int n) {
        return new DetectionEvaluator(iouThresholds, matching, interpolation, n);
    }

    public double[] iouThresholds() {
        return iouThresholds.clone();
    }

    public Matching matching() {
        return matching;
    }

    public Interpolation interpolation() {
        return interpolation;
    }

    public int maxDetections() {
        return maxDetections;
    }

    /** Per-class AP, mAP and curves of {@code detections} against {@code groundTruths}. */
    public DetectionEvaluation evaluate(List<Detection> detections, List<GroundTruth> groundTruths) {
        TreeSet<Integer> classSet = new TreeSet<>();
        detections.forEach(d -> classSet.add(d.classId()));
        groundTruths.forEach(g -> classSet.add(g.classId()));
        int[] classes = classSet.stream().mapToInt(Integer::intValue).toArray();
        double[][] ap = new double[classes.length][];
        DetectionPrCurve[][] curves = new DetectionPrCurve[classes.length][];
        for (int c = 0; c < classes.length; c++) {
            int classId = classes[c];
            curves[c] = evaluateClass(
                    classId,
                    detections.stream().filter(d -> d.classId() == classId).toList(),
                    groundTruths.stream().filter(g -> g.classId() == classId).toList());
            ap[c] = Arrays.stream(curves[c])
                    .mapToDouble(curve -> curve.groundTruths() == 0
                            ? Double.NaN
                            : interpolation.averagePrecision(curve.recall(), curve.precision()))
                    .toArray();
        }
        return new DetectionEvaluation(classes, iouThresholds.clone(), ap, curves);
    }

    /** One class: the curve at each threshold. */
    private DetectionPrCurve[] evaluateClass(int classId, List<Detection> detections, List<GroundTruth> truths) {
        Map<String, List<GroundTruth>> truthsByImage = new HashMap<>();
        truths.forEach(g ->
                truthsByImage.computeIfAbsent(g.image(), k -> new ArrayList<>()).add(g));
        int positives = (int) truths.stream().filter(g -> !g.difficult()).count();
        List<Detection> ranked = ranked(detections);
        // per image its objects' difficult flags, and per ranked detection its IoU with each object of its image
        Map<String, boolean[]> difficultByImage = new HashMap<>();
        truthsByImage.forEach((image, list) -> {
            boolean[] flags = new boolean[list.size()];
            for (int g = 0; g < flags.length; g++) {
                flags[g] = list.get(g).difficult();
            }
            difficultByImage.put(image, flags);
        });
        double[][] iou = new double[ranked.size()][];
        for (int k = 0; k < iou.length; k++) {
            Detection d = ranked.get(k);
            List<GroundTruth> inImage = truthsByImage.getOrDefault(d.image(), List.of());
            iou[k] = inImage.stream().mapToDouble(g -> g.iou(d)).toArray();
        }
        boolean[] none = new boolean[0]; // an image without ground truths of this class
        DetectionPrCurve[] curves = new DetectionPrCurve[iouThresholds.length];
        for (int t = 0; t < iouThresholds.length; t++) {
            Map<String, boolean[]> matched = new HashMap<>();
            truthsByImage.forEach((image, list) -> matched.put(image, new boolean[list.size()]));
            double[] scores = new double[ranked.size()];
            double[] recall = new double[ranked.size()];
            double[] precision = new double[ranked.size()];
            int counted = 0;
            int tp = 0;
            for (int k = 0; k < ranked.size(); k++) {
                Detection d = ranked.get(k);
                Matching.Outcome outcome = matching.match(
                        iou[k],
                        difficultByImage.getOrDefault(d.image(), none),
                        matched.getOrDefault(d.image(), none),
                        iouThresholds[t]);
                if (outcome == Matching.Outcome.IGNORED) {
                    continue;
                }
                tp += outcome == Matching.Outcome.TRUE_POSITIVE ? 1 : 0;
                scores[counted] = d.score();
                recall[counted] = positives == 0 ? Double.NaN : (double) tp / positives;
                precision[counted] = (double) tp / (counted + 1);
                counted++;
            }
            curves[t] = new DetectionPrCurve(
                    classId,
                    iouThresholds[t],
                    positives,
                    Arrays.copyOf(scores, counted),
                    Arrays.copyOf(recall, counted),
                    Arrays.copyOf(precision, counted));
        }
        return curves;
    }

    /**
     * The detections of one class kept by the per-image cap (the highest scores of each image), ranked by score
     * descending; ties keep their input order.
     */
    private List<Detection> ranked(List<Detection> detections) {
        List<Detection> sorted = new ArrayList<>(detections);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed()); // List.sort is stable
        Map<String, Integer> perImage = new HashMap<>();
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            if (perImage.merge(d.image(), 1, Integer::sum) <= maxDetections) {
                kept.add(d);
            }
        }
        return kept;
    }
}

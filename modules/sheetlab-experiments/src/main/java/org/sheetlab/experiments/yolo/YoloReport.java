package org.sheetlab.experiments.yolo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.detection.NonMaxSuppression;
import org.sheetlab.core.metrics.detection.Detection;
import org.sheetlab.core.metrics.detection.DetectionEvaluation;
import org.sheetlab.core.metrics.detection.DetectionEvaluator;
import org.sheetlab.core.metrics.detection.DetectionPrCurve;
import org.sheetlab.core.metrics.detection.GroundTruth;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;

/**
 * The yolo experiment's evaluation after training: the trained network's candidates on the test split, the headline
 * mAPs, the per-class AP table, the PR curves, the NMS threshold sweep and the drawn samples.
 *
 * @param values the row's values (headline keys first)
 * @param runJson what run.json records (the sweep, per-class AP)
 */
record YoloReport(Map<String, Double> values, Map<String, Object> runJson) {
    /** One NMS setting's result on the test split. */
    record SweepPoint(
            double score,
            double iou,
            double map50,
            double map50to95,
            double detectionsPerImage,
            double precision,
            double recall) {}

    static YoloReport write(
            Context<YoloExperiment.Options, YoloExperiment.Data> c, ComputationGraph net, RunDirectory dir) {
        YoloExperiment.Options o = c.options();
        YoloExperiment.Data d = c.data();
        int m = c.examples(d.test().size());
        INDArray images = d.test().images().get(NDArrayIndex.interval(0, m));
        List<String> ids = d.test().split().images().subList(0, m).stream()
                .map(im -> im.id())
                .toList();
        double floor = Math.min(
                Math.min(o.evalScore, o.sampleScore),
                o.sweepScores.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        Candidates cand = Candidates.predict(net, images, ids, YoloExperiment.nBoxes(d), c.batchSize(), floor);
        List<GroundTruth> truths = Candidates.groundTruths(d.test().split().images(), m, d.width(), d.height());

        List<Detection> headlineDets = cand.detections(NonMaxSuppression.of(o.evalScore, o.evalIou), o.perClassNms);
        DetectionEvaluation voc = DetectionEvaluator.voc().evaluate(headlineDets, truths);
        DetectionEvaluation coco = DetectionEvaluator.coco().evaluate(headlineDets, truths);
        SweepPoint headline = point(cand, truths, o.evalScore, o.evalIou, headlineDets, voc, coco);
        SweepPoint sheet = point(
                cand,
                truths,
                NonMaxSuppression.SHEET_SCORE_THRESHOLD,
                NonMaxSuppression.SHEET_IOU_THRESHOLD,
                o.perClassNms);
        List<SweepPoint> sweep = new ArrayList<>();
        for (double s : o.sweepScores) {
            for (double t : o.sweepIous) {
                sweep.add(point(cand, truths, s, t, o.perClassNms));
            }
        }

        List<String> classes = d.classes();
        Map<String, Object> perClass = perClassTable(dir, classes, voc, coco, truths, m);
        writeSweep(dir, o, sweep);
        writePrCurves(
                dir,
                classes,
                voc,
                DetectionEvaluator.voc()
                        .withIouThresholds(0.75)
                        .evaluate(
                                cand.detections(NonMaxSuppression.of(o.evalScore, o.evalIou), o.perClassNms), truths));
        YoloSamples.write(dir, d, cand, Math.min(o.samples, m), o.sampleScore, o.perClassNms);

        Map<String, Double> values = new LinkedHashMap<>();
        values.put(YoloExperiment.MAP50.key(), headline.map50());
        values.put(YoloExperiment.MAP50_95.key(), headline.map50to95());
        values.put(YoloExperiment.MAP50_SHEET.key(), sheet.map50());
        values.put("testMap50to95SheetNms", sheet.map50to95());
        values.put("testPrecisionSheetNms", sheet.precision());
        values.put("testRecallSheetNms", sheet.recall());
        values.put("testRecall", headline.recall());
        values.put("testImagesEvaluated", (double) m);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put(
                "evaluation",
                Map.of(
                        "scoreThreshold", o.evalScore,
                        "nmsIouThreshold", o.evalIou,
                        "perClassNms", o.perClassNms,
                        "testImages", m,
                        "groundTruths", truths.size()));
        json.put("headline", headline);
        json.put("sheetNms", sheet);
        json.put("perClassAp", perClass);
        json.put("nmsSweep", sweep);
        return new YoloReport(values, json);
    }

    /** mAPs, detections per image and the micro precision / recall at IoU 0.5 of one NMS setting. */
    static SweepPoint point(Candidates cand, List<GroundTruth> truths, double score, double iou, boolean perClass) {
        List<Detection> dets = cand.detections(NonMaxSuppression.of(score, iou), perClass);
        return point(
                cand,
                truths,
                score,
                iou,
                dets,
                DetectionEvaluator.voc().evaluate(dets, truths),
                DetectionEvaluator.coco().evaluate(dets, truths));
    }

    /** The same from detections already suppressed and evaluated (the headline setting's, reused for its tables). */
    private static SweepPoint point(
            Candidates cand,
            List<GroundTruth> truths,
            double score,
            double iou,
            List<Detection> dets,
            DetectionEvaluation voc,
            DetectionEvaluation coco) {
        double tp = 0;
        for (int classId : voc.classes()) {
            DetectionPrCurve curve = voc.curve(classId, 0);
            if (curve.size() > 0 && curve.groundTruths() > 0) {
                tp += curve.recall()[curve.size() - 1] * curve.groundTruths();
            }
        }
        return new SweepPoint(
                score,
                iou,
                voc.meanAveragePrecision(),
                coco.meanAveragePrecision(),
                dets.size() / (double) Math.max(1, cand.images()),
                dets.isEmpty() ? 0 : Math.round(tp) / (double) dets.size(),
                truths.isEmpty() ? Double.NaN : Math.round(tp) / (double) truths.size());
    }

    private static Map<String, Object> perClassTable(
            RunDirectory dir,
            List<String> classes,
            DetectionEvaluation voc,
            DetectionEvaluation coco,
            List<GroundTruth> truths,
            int images) {
        StringBuilder csv = new StringBuilder("class,groundTruths,detections,ap50,ap50to95\n");
        StringBuilder txt = new StringBuilder(String.format(
                Locale.ROOT,
                "Average precision per class on %d test images (VOC all-point AP@0.5, COCO AP@[.5:.95])%n"
                        + "%-14s %6s %6s %8s %12s%n",
                images,
                "class",
                "GT",
                "dets",
                "AP@0.5",
                "AP@[.5:.95]"));
        Map<String, Object> json = new LinkedHashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            int id = k;
            long gt = truths.stream().filter(g -> g.classId() == id).count();
            boolean evaluated = java.util.Arrays.binarySearch(voc.classes(), k) >= 0;
            int dets = evaluated ? voc.curve(k, 0).size() : 0;
            double ap50 = evaluated ? voc.averagePrecision(k, 0) : Double.NaN;
            double ap = evaluated ? coco.averagePrecision(k) : Double.NaN;
            csv.append(String.format(Locale.ROOT, "\"%s\",%d,%d,%.6f,%.6f%n", classes.get(k), gt, dets, ap50, ap));
            txt.append(String.format(Locale.ROOT, "%-14s %6d %6d %8.4f %12.4f%n", classes.get(k), gt, dets, ap50, ap));
            json.put(classes.get(k), Map.of("ap50", ap50, "ap50to95", ap));
        }
        txt.append(String.format(
                Locale.ROOT,
                "%-14s %6d %6s %8.4f %12.4f%n",
                "mean (mAP)",
                truths.size(),
                "",
                voc.meanAveragePrecision(),
                coco.meanAveragePrecision()));
        dir.writeText("ap-per-class.csv", csv.toString());
        dir.writeText("ap-per-class.txt", txt.toString());
        return json;
    }

    private static void writeSweep(RunDirectory dir, YoloExperiment.Options o, List<SweepPoint> sweep) {
        StringBuilder csv = new StringBuilder(
                "scoreThreshold,iouThreshold,map50,map50to95,detectionsPerImage," + "precision50,recall50\n");
        StringBuilder txt = new StringBuilder(String.format(
                Locale.ROOT,
                "NMS (%s) threshold sweep on the test split: keep score >= s, suppress IoU > t (t = 1: none).%n"
                        + "The sheet's NMS is s = 0.6, t = 0.5 (marked *). precision/recall: at IoU 0.5, all classes.%n"
                        + "%-7s %-5s %8s %12s %9s %9s %9s%n",
                o.perClassNms ? "per class" : "over all classes, as the sheet",
                "score",
                "IoU",
                "mAP@0.5",
                "mAP@[.5:.95]",
                "dets/img",
                "precision",
                "recall"));
        for (SweepPoint p : sweep) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%.6f,%.6f,%.4f,%.6f,%.6f%n",
                    p.score(),
                    p.iou(),
                    p.map50(),
                    p.map50to95(),
                    p.detectionsPerImage(),
                    p.precision(),
                    p.recall()));
            boolean isSheet = p.score() == NonMaxSuppression.SHEET_SCORE_THRESHOLD
                    && p.iou() == NonMaxSuppression.SHEET_IOU_THRESHOLD;
            txt.append(String.format(
                    Locale.ROOT,
                    "%-7s %-5s %8.4f %12.4f %9.2f %9.4f %9.4f%s%n",
                    p.score(),
                    p.iou(),
                    p.map50(),
                    p.map50to95(),
                    p.detectionsPerImage(),
                    p.precision(),
                    p.recall(),
                    isSheet ? "  *" : ""));
        }
        dir.writeText("nms-sweep.csv", csv.toString());
        dir.writeText("nms-sweep.txt", txt.toString());
        XYChart chart = Charts.chart(
                XYChart::new,
                800,
                500,
                "mAP@0.5 against the NMS thresholds (sheet: score 0.6, IoU 0.5)",
                "NMS IoU threshold t (suppress IoU > t; 1 = no NMS)",
                "mAP@0.5");
        for (double s : o.sweepScores) {
            List<SweepPoint> line = sweep.stream().filter(p -> p.score() == s).toList();
            chart.addSeries(
                            "score >= " + s,
                            line.stream().mapToDouble(SweepPoint::iou).toArray(),
                            line.stream().mapToDouble(SweepPoint::map50).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        sweep.stream()
                .filter(p -> p.score() == NonMaxSuppression.SHEET_SCORE_THRESHOLD
                        && p.iou() == NonMaxSuppression.SHEET_IOU_THRESHOLD)
                .findFirst()
                .ifPresent(p -> chart.addSeries("the sheet's NMS", new double[] {p.iou()}, new double[] {p.map50()})
                        .setMarker(SeriesMarkers.DIAMOND));
        Charts.writePng(dir, "nms-sweep.png", chart);
    }

    /** A panel per class: precision against recall at IoU 0.5 and 0.75 (the raw curve, before the envelope). */
    private static void writePrCurves(
            RunDirectory dir, List<String> classes, DetectionEvaluation at50, DetectionEvaluation at75) {
        List<XYChart> panels = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            boolean evaluated = java.util.Arrays.binarySearch(at50.classes(), k) >= 0;
            XYChart chart = Charts.chart(
                    XYChart::new,
                    360,
                    300,
                    String.format(
                            Locale.ROOT,
                            "%s: AP@0.5 %.3f",
                            classes.get(k),
                            evaluated ? at50.averagePrecision(k, 0) : Double.NaN),
                    "recall",
                    "precision");
            chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
            chart.getStyler().setMarkerSize(0);
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
            if (evaluated) {
                addCurve(chart, "IoU 0.5", at50.curve(k, 0));
                addCurve(chart, "IoU 0.75", at75.curve(k, 0));
            } else {
                chart.addSeries("no detections", new double[] {0}, new double[] {0});
            }
            panels.add(chart);
        }
        Charts.writePng(dir, "pr-curves.png", Charts.grid(panels, 5));
    }

    private static void addCurve(XYChart chart, String name, DetectionPrCurve curve) {
        if (curve.size() == 0 || curve.groundTruths() == 0) {
            chart.addSeries(name + " (none)", new double[] {0}, new double[] {0});
            return;
        }
        double[] r = new double[curve.size() + 1];
        double[] p = new double[curve.size() + 1];
        r[0] = 0;
        p[0] = curve.precision()[0];
        System.arraycopy(curve.recall(), 0, r, 1, curve.size());
        System.arraycopy(curve.precision(), 0, p, 1, curve.size());
        chart.addSeries(name, r, p);
    }
}

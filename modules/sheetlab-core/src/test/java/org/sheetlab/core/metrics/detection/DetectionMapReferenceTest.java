package org.sheetlab.core.metrics.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/**
 * Agreement with reference/detection_map.py, a NumPy statement of the VOC devkit's voc_eval/voc_ap and of
 * pycocotools' evaluateImg/accumulate written from those programs (not from this code), on four fixed random sets
 * (13–120 objects, 21–162 detections, 3–5 classes, difficult flags, overlapping neighbours, duplicates, wrong classes,
 * a class without ground truths, an undetected class, an image with 123 detections of one class for COCO's cap of 100).
 */
@ExtendWith(DoublePrecision.class)
class DetectionMapReferenceTest {
    private static final double TOL = 1e-12;
    private static final ReferenceValues REF = ReferenceValues.load("/reference/detection_map.json");

    private static List<GroundTruth> truths(JsonNode c) {
        INDArray rows = ReferenceValues.array(c.get("ground_truths"));
        List<GroundTruth> out = new ArrayList<>();
        for (int i = 0; i < rows.rows(); i++) {
            double[] r = rows.getRow(i).toDoubleVector();
            out.add(new GroundTruth("img" + (int) r[0], (int) r[1], r[2], r[3], r[4], r[5], r[6] != 0));
        }
        return out;
    }

    private static List<Detection> detections(JsonNode c) {
        INDArray rows = ReferenceValues.array(c.get("detections"));
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < rows.rows(); i++) {
            double[] r = rows.getRow(i).toDoubleVector();
            out.add(new Detection("img" + (int) r[0], (int) r[1], r[2], r[3], r[4], r[5], r[6]));
        }
        return out;
    }

    private static int[] classes(JsonNode c) {
        int[] out = new int[c.get("classes").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.get("classes").get(i).asInt();
        }
        return out;
    }

    /** Equal within TOL, NaN only where the reference has NaN. */
    private static void assertSame(double actual, double expected, String what) {
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
        } else {
            assertThat(actual).as(what).isCloseTo(expected, within(TOL));
        }
    }

    /** AP per class and threshold [C][T] against the reference's table {@code field}. */
    private static void assertApTable(DetectionEvaluation r, JsonNode c, String field, String note) {
        INDArray ap = ReferenceValues.array(c.get(field));
        int[] classes = classes(c);
        assertThat(ap.shape()).containsExactly(classes.length, r.iouThresholds().length);
        for (int k = 0; k < classes.length; k++) {
            for (int t = 0; t < r.iouThresholds().length; t++) {
                assertSame(
                        r.averagePrecision(classes[k], t),
                        ap.getDouble(k, t),
                        note + ", " + field + ", class " + classes[k] + ", threshold " + t);
            }
        }
    }

    @Test
    void theReferenceHasTheFourCasesAndTheCocoThresholds() {
        assertThat(REF.cases()).hasSize(4);
        double[] expected =
                ReferenceValues.array(REF.root().get("iou_thresholds")).toDoubleVector();
        assertThat(DetectionEvaluator.coco().iouThresholds()).containsExactly(expected); // bit for bit
        assertThat(REF.cases()
                        .get(3)
                        .get("most_detections_of_one_class_in_one_image")
                        .asInt())
                .isGreaterThan(100);
    }

    @Test
    void vocMapAtHalfAndItsCurvesMatchTheDevkitStatement() {
        for (JsonNode c : REF.cases()) {
            String note = c.get("note").asText();
            DetectionEvaluation r = DetectionEvaluator.voc().evaluate(detections(c), truths(c));
            int[] classes = classes(c);
            assertThat(r.classes()).as(note).containsExactly(classes);
            double[] ap = ReferenceValues.array(c.get("voc_ap")).toDoubleVector();
            for (int k = 0; k < classes.length; k++) {
                assertSame(r.averagePrecision(classes[k], 0), ap[k], note + ", class " + classes[k]);
            }
            assertSame(r.meanAveragePrecision(), c.get("voc_map").asDouble(), note + ", mAP@0.5");
            assertThat(c.get("voc_curves").size()).as(note).isGreaterThan(1);
            for (JsonNode curve : c.get("voc_curves")) {
                DetectionPrCurve mine = r.curve(curve.get("cls").asInt(), 0);
                String what = note + ", curve of class " + curve.get("cls").asInt();
                assertThat(mine.scores())
                        .as(what)
                        .containsExactly(
                                ReferenceValues.array(curve.get("scores")).toDoubleVector());
                assertThat(mine.recall())
                        .as(what)
                        .containsExactly(
                                ReferenceValues.array(curve.get("recall")).toDoubleVector(), within(TOL));
                assertThat(mine.precision())
                        .as(what)
                        .containsExactly(
                                ReferenceValues.array(curve.get("precision")).toDoubleVector(), within(TOL));
            }
        }
    }

    @Test
    void vocRuleWithAllPointApAtTheCocoThresholdsMatches() {
        DetectionEvaluator e = DetectionEvaluator.voc().withIouThresholds(DetectionEvaluator.cocoThresholds());
        for (JsonNode c : REF.cases()) {
            String note = c.get("note").asText();
            DetectionEvaluation r = e.evaluate(detections(c), truths(c));
            assertApTable(r, c, "voc_ap_thresholds", note);
        }
    }

    @Test
    void cocoMapMatchesThePycocotoolsStatement() {
        for (JsonNode c : REF.cases()) {
            String note = c.get("note").asText();
            DetectionEvaluation r = DetectionEvaluator.coco().evaluate(detections(c), truths(c));
            assertApTable(r, c, "coco_ap", note);
            assertSame(r.meanAveragePrecision(), c.get("coco_map").asDouble(), note + ", mAP@[.5:.95]");
        }
    }

    /** Without tied scores the result does not depend on the order of the input lists: identical bits. */
    @Test
    void theOrderOfTheInputDoesNotMatter() {
        JsonNode c = REF.cases().get(1);
        List<Detection> dets = new ArrayList<>(detections(c));
        List<GroundTruth> truths = new ArrayList<>(truths(c));
        Collections.shuffle(dets, new Random(5));
        Collections.shuffle(truths, new Random(6));
        for (DetectionEvaluator e : List.of(DetectionEvaluator.voc(), DetectionEvaluator.coco())) {
            DetectionEvaluation shuffled = e.evaluate(dets, truths);
            DetectionEvaluation ordered = e.evaluate(detections(c), truths(c));
            // bit for bit, NaN included (Arrays.equals on double[] compares the bits)
            assertThat(Arrays.deepEquals(shuffled.averagePrecision(), ordered.averagePrecision()))
                    .as(Arrays.deepToString(shuffled.averagePrecision()) + " vs "
                            + Arrays.deepToString(ordered.averagePrecision()))
                    .isTrue();
            assertThat(shuffled.meanAveragePrecision()).isEqualTo(ordered.meanAveragePrecision());
        }
    }
}

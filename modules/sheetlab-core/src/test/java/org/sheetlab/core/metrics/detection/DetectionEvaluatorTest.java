package org.sheetlab.core.metrics.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand cases whose AP follows from the definitions by arithmetic on paper. */
class DetectionEvaluatorTest {
    private static final double EPS = 1e-12;

    private static GroundTruth truth(String image, int c, double x1, double y1, double x2, double y2) {
        return new GroundTruth(image, c, x1, y1, x2, y2);
    }

    private static Detection det(String image, int c, double score, double x1, double y1, double x2, double y2) {
        return new Detection(image, c, score, x1, y1, x2, y2);
    }

    /** A detection exactly on a ground truth. */
    private static Detection on(GroundTruth g, double score) {
        return new Detection(g.image(), g.classId(), score, g.x1(), g.y1(), g.x2(), g.y2());
    }

    @Test
    void iouOfCornerBoxes() {
        assertThat(GroundTruth.iou(0, 0, 2, 2, 0, 0, 2, 2)).isEqualTo(1.0); // identical
        assertThat(GroundTruth.iou(0, 0, 2, 2, 1, 1, 3, 3)).isCloseTo(1.0 / 7, within(EPS)); // 1 / (4 + 4 − 1)
        assertThat(GroundTruth.iou(0, 0, 4, 4, 1, 1, 2, 2)).isEqualTo(1.0 / 16); // nested
        assertThat(GroundTruth.iou(0, 0, 1, 1, 1, 0, 2, 1)).isEqualTo(0.0); // touching
        assertThat(GroundTruth.iou(0, 0, 1, 1, 5, 5, 6, 6)).isEqualTo(0.0); // disjoint
        assertThat(GroundTruth.iou(1, 1, 1, 1, 1, 1, 1, 1)).isEqualTo(0.0); // two points: empty union
    }

    @Test
    void perfectDetectionsGiveOneAtEveryThreshold() {
        List<GroundTruth> truths = List.of(
                truth("a", 0, 0, 0, 10, 10),
                truth("a", 1, 20, 20, 40, 30),
                truth("b", 0, 5, 5, 15, 25),
                truth("b", 0, 30, 30, 50, 50));
        List<Detection> dets =
                List.of(on(truths.get(0), 0.9), on(truths.get(1), 0.3), on(truths.get(2), 0.8), on(truths.get(3), 0.7));
        for (DetectionEvaluator e : List.of(
                DetectionEvaluator.voc(),
                DetectionEvaluator.coco(),
                DetectionEvaluator.coco().withInterpolation(Interpolation.ALL_POINTS))) {
            DetectionEvaluation r = e.evaluate(dets, truths);
            assertThat(r.classes()).containsExactly(0, 1);
            assertThat(r.meanAveragePrecision()).isEqualTo(1.0);
            for (double[] row : r.averagePrecision()) {
                for (double ap : row) {
                    assertThat(ap).isEqualTo(1.0);
                }
            }
        }
        DetectionPrCurve curve = DetectionEvaluator.voc().evaluate(dets, truths).curve(0, 0);
        assertThat(curve.scores()).containsExactly(0.9, 0.8, 0.7);
        assertThat(curve.recall()).containsExactly(1.0 / 3, 2.0 / 3, 1.0);
        assertThat(curve.precision()).containsExactly(1.0, 1.0, 1.0);
        assertThat(curve.groundTruths()).isEqualTo(3);
    }

    /**
     * 2 objects; ranked FP, TP, TP: recall 0, ½, 1, precision 0, ½, ⅔; envelope ⅔ throughout, so AP = ⅔ by both
     * interpolations (all-point: ½·⅔ + ½·⅔; 101-point: ⅔ at every recall point, the first at index 0 where r ≥ 0).
     */
    @Test
    void oneFalsePositiveRankedFirst() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        GroundTruth b = truth("i", 0, 20, 0, 30, 10);
        List<Detection> dets = List.of(det("i", 0, 0.9, 50, 50, 60, 60), on(a, 0.8), on(b, 0.7));
        DetectionEvaluation voc = DetectionEvaluator.voc().evaluate(dets, List.of(a, b));
        assertThat(voc.curve(0, 0).recall()).containsExactly(0.0, 0.5, 1.0);
        assertThat(voc.curve(0, 0).precision()).containsExactly(0.0, 0.5, 2.0 / 3);
        assertThat(voc.curve(0, 0).envelope()).containsExactly(2.0 / 3, 2.0 / 3, 2.0 / 3);
        assertThat(voc.averagePrecision(0, 0)).isCloseTo(2.0 / 3, within(EPS));
        assertThat(DetectionEvaluator.coco().evaluate(dets, List.of(a, b)).meanAveragePrecision())
                .isCloseTo(2.0 / 3, within(EPS));
    }

    /**
     * 3 objects, one never detected; ranked TP, FP, TP: recall ⅓, ⅓, ⅔, precision 1, ½, ⅔. All-point: ⅓·1 + ⅓·⅔ =
     * 5/9. 101-point: recall points 0.00..0.33 (34 of them) read 1, 0.34..0.66 (33) read ⅔, 0.67..1 (34) read 0:
     * (34 + 22)/101 = 56/101.
     */
    @Test
    void aMissedObjectCapsRecallAndTheTwoInterpolationsDiffer() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        GroundTruth b = truth("i", 0, 20, 0, 30, 10);
        GroundTruth missed = truth("j", 0, 0, 0, 10, 10);
        List<Detection> dets = List.of(on(a, 0.9), det("j", 0, 0.8, 40, 40, 50, 50), on(b, 0.7));
        List<GroundTruth> truths = List.of(a, b, missed);
        assertThat(DetectionEvaluator.voc().evaluate(dets, truths).meanAveragePrecision())
                .isCloseTo(5.0 / 9, within(EPS));
        assertThat(DetectionEvaluator.voc()
                        .withInterpolation(Interpolation.COCO_101)
                        .evaluate(dets, truths)
                        .meanAveragePrecision())
                .isCloseTo(56.0 / 101, within(EPS));
        assertThat(Interpolation.ALL_POINTS.averagePrecision(
                        new double[] {1.0 / 3, 1.0 / 3, 2.0 / 3}, new double[] {1, 0.5, 2.0 / 3}))
                .isCloseTo(5.0 / 9, within(EPS));
        assertThat(Interpolation.COCO_101.averagePrecision(new double[0], new double[0]))
                .isEqualTo(0.0);
        assertThat(Interpolation.ALL_POINTS.averagePrecision(new double[0], new double[0]))
                .isEqualTo(0.0);
    }

    /**
     * Objects A and B; detections A (0.9), A again (0.8), B (0.7): TP, FP (A is taken), TP; recall ½, ½, 1, precision
     * 1, ½, ⅔; AP = ½·1 + ½·⅔ = 5/6, where dropping the duplicate would give 1.
     */
    @Test
    void aDuplicateIsAFalsePositive() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        GroundTruth b = truth("i", 0, 20, 0, 30, 10);
        List<Detection> dets = List.of(on(a, 0.9), det("i", 0, 0.8, 0, 0, 10, 9), on(b, 0.7));
        for (DetectionEvaluator e : List.of(
                DetectionEvaluator.voc(),
                DetectionEvaluator.coco().withIouThresholds(0.5).withInterpolation(Interpolation.ALL_POINTS))) {
            DetectionEvaluation r = e.evaluate(dets, List.of(a, b));
            assertThat(r.curve(0, 0).precision()).containsExactly(1.0, 0.5, 2.0 / 3);
            assertThat(r.meanAveragePrecision()).isCloseTo(5.0 / 6, within(EPS));
        }
    }

    /**
     * A (x 0..10) and B (x 3..13); the first detection sits on A, the second on x 1..11: IoU 9/11 with A, ⅔ with B.
     * VOC takes the best ground truth even when it is taken: FP; COCO takes the best untaken one with IoU ≥ t: B, a TP.
     */
    @Test
    void theRulesDifferWhenTheBestGroundTruthIsTaken() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        GroundTruth b = truth("i", 0, 3, 0, 13, 10);
        Detection first = on(a, 0.9);
        Detection second = det("i", 0, 0.8, 1, 0, 11, 10); // IoU 9/11 with A, 8/12 with B
        assertThat(a.iou(second)).isCloseTo(9.0 / 11, within(EPS));
        assertThat(b.iou(second)).isCloseTo(2.0 / 3, within(EPS));
        List<Detection> dets = List.of(first, second);
        DetectionEvaluation voc = DetectionEvaluator.voc().evaluate(dets, List.of(a, b));
        assertThat(voc.curve(0, 0).precision()).containsExactly(1.0, 0.5);
        assertThat(voc.meanAveragePrecision()).isCloseTo(0.5, within(EPS));
        DetectionEvaluation coco =
                DetectionEvaluator.voc().withMatching(Matching.COCO).evaluate(dets, List.of(a, b));
        assertThat(coco.curve(0, 0).precision()).containsExactly(1.0, 1.0);
        assertThat(coco.meanAveragePrecision()).isEqualTo(1.0);
    }

    /**
     * A regular object R (IoU 7/13 with the detection) and a difficult one D (IoU 9/11): VOC takes the best, D, so the
     * detection is ignored and R is missed (AP 0); COCO tries the regular ones first and takes R (AP 1), and only
     * falls back on D when no regular one reaches the threshold.
     */
    @Test
    void cocoPrefersARegularObjectToADifficultOne() {
        GroundTruth regular = truth("i", 0, 0, 0, 10, 10);
        GroundTruth hard = new GroundTruth("i", 0, 4, 0, 14, 10, true);
        Detection d = det("i", 0, 0.9, 3, 0, 13, 10); // IoU with R: 7/13 ≈ 0.54; with D: 9/11 ≈ 0.82
        assertThat(regular.iou(d)).isCloseTo(7.0 / 13, within(EPS));
        assertThat(hard.iou(d)).isCloseTo(9.0 / 11, within(EPS));
        DetectionEvaluation voc = DetectionEvaluator.voc().evaluate(List.of(d), List.of(regular, hard));
        assertThat(voc.curve(0, 0).size()).isZero();
        assertThat(voc.meanAveragePrecision()).isEqualTo(0.0);
        DetectionEvaluator coco = DetectionEvaluator.voc().withMatching(Matching.COCO);
        assertThat(coco.evaluate(List.of(d), List.of(regular, hard)).meanAveragePrecision())
                .isEqualTo(1.0);
        assertThat(coco.evaluate(List.of(d), List.of(hard, regular)).meanAveragePrecision())
                .isEqualTo(1.0);
        // at 0.6 R no longer qualifies: the detection takes D and is ignored
        DetectionEvaluation high = coco.withIouThresholds(0.6).evaluate(List.of(d), List.of(regular, hard));
        assertThat(high.curve(0, 0).size()).isZero();
        assertThat(high.meanAveragePrecision()).isEqualTo(0.0);
    }

    /**
     * Two objects on the same box, one difficult: VOC's np.argmax takes the first in input order, so the order decides
     * whether the detection is ignored (AP 0, the regular object missed) or a TP (AP 1); COCO takes the regular one
     * either way.
     */
    @Test
    void vocTakesTheFirstOfEqualIous() {
        GroundTruth hard = new GroundTruth("i", 0, 0, 0, 10, 10, true);
        GroundTruth regular = truth("i", 0, 0, 0, 10, 10);
        List<Detection> dets = List.of(on(regular, 0.9));
        assertThat(DetectionEvaluator.voc()
                        .evaluate(dets, List.of(hard, regular))
                        .meanAveragePrecision())
                .isEqualTo(0.0);
        assertThat(DetectionEvaluator.voc()
                        .evaluate(dets, List.of(regular, hard))
                        .meanAveragePrecision())
                .isEqualTo(1.0);
        DetectionEvaluator coco = DetectionEvaluator.coco();
        assertThat(coco.evaluate(dets, List.of(hard, regular)).meanAveragePrecision())
                .isEqualTo(1.0);
        assertThat(coco.evaluate(dets, List.of(regular, hard)).meanAveragePrecision())
                .isEqualTo(1.0);
    }

    /** IoU exactly 0.5 (a 1×1 box inside a 2×1 one): VOC needs IoU &gt; 0.5, COCO IoU ≥ 0.5. */
    @Test
    void anIouOnTheThresholdCountsForCocoOnly() {
        List<GroundTruth> truths = List.of(truth("i", 0, 0, 0, 2, 1));
        List<Detection> dets = List.of(det("i", 0, 0.9, 0, 0, 1, 1));
        assertThat(DetectionEvaluator.voc().evaluate(dets, truths).meanAveragePrecision())
                .isEqualTo(0.0);
        DetectionEvaluation coco = DetectionEvaluator.coco().evaluate(dets, truths);
        assertThat(coco.averagePrecision(0, 0)).isEqualTo(1.0); // t = 0.5
        assertThat(coco.averagePrecision(0, 1)).isEqualTo(0.0); // t = 0.55
        assertThat(coco.meanAveragePrecision()).isCloseTo(0.1, within(EPS));
    }

    /**
     * Class 1 has a detection but no ground truth: AP NaN (recall 0/0) and left out of mAP, which stays 1 rather than
     * ½. Class 2 has a ground truth but no detection: AP 0, counted.
     */
    @Test
    void aClassWithoutGroundTruthsIsLeftOutOfTheMeanAndAnUndetectedClassCountsZero() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        List<Detection> dets = List.of(on(a, 0.9), det("i", 1, 0.8, 0, 0, 10, 10));
        for (DetectionEvaluator e : List.of(DetectionEvaluator.voc(), DetectionEvaluator.coco())) {
            DetectionEvaluation r = e.evaluate(dets, List.of(a));
            assertThat(r.classes()).containsExactly(0, 1);
            assertThat(r.averagePrecision(1)).isNaN();
            assertThat(r.curve(1, 0).recall()).containsExactly(Double.NaN);
            assertThat(r.curve(1, 0).precision()).containsExactly(0.0);
            assertThat(r.meanAveragePrecision()).isEqualTo(1.0);
            DetectionEvaluation withUndetected = e.evaluate(dets, List.of(a, truth("i", 2, 0, 0, 5, 5)));
            assertThat(withUndetected.averagePrecision(2)).isEqualTo(0.0);
            assertThat(withUndetected.curve(2, 0).size()).isZero();
            assertThat(withUndetected.meanAveragePrecision()).isEqualTo(0.5);
        }
        assertThat(DetectionEvaluator.voc().evaluate(dets, List.of()).meanAveragePrecision())
                .isNaN();
        assertThat(DetectionEvaluator.voc().evaluate(List.of(), List.of()).classes())
                .isEmpty();
    }

    /**
     * Objects A and D (difficult); ranked: on D (0.9), a background box (0.8), on A (0.7). The detection on D is
     * ignored and D is not counted: FP, TP over one object, AP ½. Without the flag: TP, FP, TP over two, AP 5/6.
     * A difficult object nobody detects costs nothing.
     */
    @Test
    void difficultObjectsAreNeitherCountedNorPenalised() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        GroundTruth hard = new GroundTruth("i", 0, 20, 0, 30, 10, true);
        GroundTruth plain = truth("i", 0, 20, 0, 30, 10);
        List<Detection> dets = List.of(on(plain, 0.9), det("i", 0, 0.8, 50, 50, 60, 60), on(a, 0.7));
        for (DetectionEvaluator e : List.of(
                DetectionEvaluator.voc(),
                DetectionEvaluator.coco().withIouThresholds(0.5).withInterpolation(Interpolation.ALL_POINTS))) {
            DetectionEvaluation withFlag = e.evaluate(dets, List.of(a, hard));
            assertThat(withFlag.curve(0, 0).scores()).containsExactly(0.8, 0.7);
            assertThat(withFlag.curve(0, 0).groundTruths()).isEqualTo(1);
            assertThat(withFlag.meanAveragePrecision()).isCloseTo(0.5, within(EPS));
            assertThat(e.evaluate(dets, List.of(a, plain)).meanAveragePrecision())
                    .isCloseTo(5.0 / 6, within(EPS));
            assertThat(e.evaluate(List.of(on(a, 0.5)), List.of(a, hard)).meanAveragePrecision())
                    .isEqualTo(1.0);
        }
    }

    /** Detections never match another class's object or another image's. */
    @Test
    void matchesStayWithinTheClassAndTheImage() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        List<Detection> dets = List.of(det("i", 1, 0.9, 0, 0, 10, 10), det("j", 0, 0.8, 0, 0, 10, 10));
        DetectionEvaluation r = DetectionEvaluator.voc().evaluate(dets, List.of(a));
        assertThat(r.averagePrecision(0)).isEqualTo(0.0);
        assertThat(r.curve(0, 0).precision()).containsExactly(0.0);
    }

    /** COCO keeps the 100 (here 1) highest-scoring detections per image and class before matching. */
    @Test
    void theCapKeepsTheHighestScoresPerImage() {
        GroundTruth a = truth("i", 0, 0, 0, 10, 10);
        GroundTruth b = truth("i", 0, 20, 0, 30, 10);
        GroundTruth c = truth("j", 0, 0, 0, 10, 10);
        List<Detection> dets = List.of(on(b, 0.5), on(a, 0.9), on(c, 0.1));
        DetectionEvaluation capped =
                DetectionEvaluator.voc().withMaxDetections(1).evaluate(dets, List.of(a, b, c));
        assertThat(capped.curve(0, 0).scores()).containsExactly(0.9, 0.1);
        assertThat(capped.meanAveragePrecision()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(DetectionEvaluator.voc().evaluate(dets, List.of(a, b, c)).meanAveragePrecision())
                .isEqualTo(1.0);
    }

    @Test
    void cocoThresholdsAreTheTenFromHalfTo095() {
        double[] t = DetectionEvaluator.coco().iouThresholds();
        assertThat(t).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(t[i]).isCloseTo(0.5 + 0.05 * i, within(1e-15));
        }
        assertThat(t[0]).isEqualTo(0.5);
        assertThat(t[9]).isEqualTo(0.95);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> det("i", 0, 0.5, 10, 0, 0, 10))
                .hasMessageContaining("corner format")
                .hasMessageContaining("x1 <= x2");
        assertThatThrownBy(() -> truth("i", 0, 0, 0, 10, Double.NaN)).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> det("i", 0, Double.NaN, 0, 0, 1, 1)).hasMessageContaining("score must be finite");
        assertThatThrownBy(() -> det(null, 0, 0.5, 0, 0, 1, 1)).hasMessageContaining("image id");
        assertThatThrownBy(() -> DetectionEvaluator.voc().withIouThresholds(1.5))
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> DetectionEvaluator.voc().withIouThresholds()).hasMessageContaining("at least one");
        assertThatThrownBy(() -> DetectionEvaluator.coco().withMaxDetections(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> DetectionEvaluator.voc()
                        .evaluate(List.of(), List.of(truth("i", 0, 0, 0, 1, 1)))
                        .averagePrecision(7))
                .hasMessageContaining("class 7");
        assertThatThrownBy(() -> Interpolation.ALL_POINTS.averagePrecision(new double[2], new double[1]))
                .hasMessageContaining("one value per ranked detection");
    }
}

package org.sheetlab.experiments.yolo;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.detection.NonMaxSuppression;
import org.sheetlab.core.metrics.detection.GroundTruth;
import org.sheetlab.experiments.plot.DetectionDrawing;
import org.sheetlab.train.run.RunDirectory;

/**
 * Sample detections on the first test images, one PNG each in {@code samples/}: four panels drawn by
 * {@link DetectionDrawing}: the ground truth; the candidates after NMS step 1 only (score ≥ s, nothing suppressed: the
 * duplicates NMS is for); after the whole NMS at (s, IoU 0.5); and after the sheet's NMS (score ≥ 0.6, IoU 0.5).
 * s is {@code --sample-score} (0.1): the trained detector's scores p_c · P(class) are mostly under the sheet's 0.6,
 * whose panel is often nearly empty (see nms-sweep.txt).
 */
final class YoloSamples {
    static final String FOLDER = "samples";

    private YoloSamples() {}

    static void write(RunDirectory dir, YoloExperiment.Data d, Candidates cand, int n, double score, boolean perClass) {
        if (n == 0) {
            return;
        }
        RunDirectory out = new RunDirectory(dir.resolve(FOLDER));
        NonMaxSuppression nms = NonMaxSuppression.of(score, NonMaxSuppression.SHEET_IOU_THRESHOLD);
        List<String> names = d.classes();
        for (int i = 0; i < n; i++) {
            INDArray image = d.test().images().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i));
            BufferedImage truth = DetectionDrawing.draw(
                    image, truthBoxes(d, i), truthClasses(d, i), null, names, DetectionDrawing.DEFAULT_SCALE);
            BufferedImage before = panel(image, cand, i, cand.above(i, score), names);
            BufferedImage after = panel(image, cand, i, cand.keep(i, nms, perClass), names);
            BufferedImage sheet = panel(image, cand, i, cand.keep(i, NonMaxSuppression.sheet(), perClass), names);
            DetectionDrawing.write(
                    out,
                    String.format(
                            java.util.Locale.ROOT, "%02d-%s.png", i, cand.ids().get(i)),
                    DetectionDrawing.sideBySide(List.of(truth, before, after, sheet), 6));
        }
        out.writeText(
                "README.txt",
                "Each PNG: ground truth | boxes with score p_c * P(class) >= " + score + " (NMS step "
                        + "1 only) | after NMS (score >= " + score + ", IoU > 0.5 suppressed"
                        + (perClass ? ", per class" : "")
                        + ") | after the sheet's NMS (score >= 0.6, IoU > 0.5 suppressed). Labels: class and score.\n");
    }

    private static BufferedImage panel(INDArray image, Candidates cand, int i, int[] rows, List<String> names) {
        if (rows.length == 0) {
            return DetectionDrawing.draw(image, null, null, null, names, DetectionDrawing.DEFAULT_SCALE);
        }
        return DetectionDrawing.draw(
                image,
                cand.boxes().get(i).getRows(rows),
                select(cand.classes().get(i), rows),
                select(cand.scores().get(i), rows),
                names,
                DetectionDrawing.DEFAULT_SCALE);
    }

    private static INDArray select(INDArray vector, int[] rows) {
        double[] v = vector.toDoubleVector();
        return Nd4j.createFromArray(Arrays.stream(rows).mapToDouble(r -> v[r]).toArray());
    }

    /** Image i's ground truths in network-input pixels. */
    private static List<GroundTruth> truths(YoloExperiment.Data d, int i) {
        return Candidates.groundTruths(d.test().split().images().subList(i, i + 1), 1, d.width(), d.height());
    }

    private static INDArray truthBoxes(YoloExperiment.Data d, int i) {
        List<GroundTruth> t = truths(d, i);
        return t.isEmpty()
                ? null
                : Nd4j.createFromArray(t.stream()
                        .map(g -> new double[] {g.x1(), g.y1(), g.x2(), g.y2()})
                        .toArray(double[][]::new));
    }

    private static INDArray truthClasses(YoloExperiment.Data d, int i) {
        List<GroundTruth> t = truths(d, i);
        return t.isEmpty()
                ? null
                : Nd4j.createFromArray(
                        t.stream().mapToDouble(GroundTruth::classId).toArray());
    }
}

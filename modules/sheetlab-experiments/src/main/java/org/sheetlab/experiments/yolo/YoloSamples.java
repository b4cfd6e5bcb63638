package org.sheetlab.experiments.yolo;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.detection.NonMaxSuppression;
import org.sheetlab.data.detection.AnnotatedImage;
import org.sheetlab.data.detection.Box;
import org.sheetlab.experiments.plot.DetectionDrawing;
import org.sheetlab.train.run.RunDirectory;

/**
 * Sample detections on the first test images, one PNG each in {@code samples/}: three panels, the ground truth, the
 * candidates after the sheet's NMS step 1 only (score ≥ 0.6, nothing suppressed: the duplicates NMS is for) and after
 * the whole sheet NMS (score ≥ 0.6, then IoU &gt; 0.5 with a kept box suppressed), drawn by {@link DetectionDrawing}.
 */
final class YoloSamples {
    static final String FOLDER = "samples";

    private YoloSamples() {}

    static void write(RunDirectory dir, YoloExperiment.Data d, Candidates cand, int n, boolean perClass) {
        if (n == 0) {
            return;
        }
        RunDirectory out = new RunDirectory(dir.resolve(FOLDER));
        NonMaxSuppression sheet = NonMaxSuppression.sheet();
        List<String> names = d.classes();
        for (int i = 0; i < n; i++) {
            INDArray image = d.test().images().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i));
            BufferedImage truth = DetectionDrawing.draw(
                    image, truthBoxes(d, i), truthClasses(d, i), null, names, DetectionDrawing.DEFAULT_SCALE);
            BufferedImage before = panel(image, cand, i, cand.above(i, sheet.scoreThreshold()), names);
            BufferedImage after = panel(image, cand, i, cand.keep(i, sheet, perClass), names);
            DetectionDrawing.write(
                    out,
                    String.format(java.util.Locale.ROOT, "%02d-%s.png", i, cand.ids().get(i)),
                    DetectionDrawing.sideBySide(List.of(truth, before, after), 6));
        }
        out.writeText("README.txt", "Each PNG: ground truth | boxes with score p_c * P(class) >= 0.6 (NMS step 1 "
                + "only) | after the sheet's NMS (score >= 0.6, IoU > 0.5 suppressed" + (perClass ? ", per class" : "")
                + "). Labels: class and score.\n");
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

    private static INDArray truthBoxes(YoloExperiment.Data d, int i) {
        AnnotatedImage im = d.test().split().images().get(i);
        if (im.boxes().isEmpty()) {
            return null;
        }
        double sx = (double) d.width() / im.width();
        double sy = (double) d.height() / im.height();
        return Nd4j.createFromArray(im.boxes().stream()
                .map(b -> new double[] {b.xmin() * sx, b.ymin() * sy, b.xmax() * sx, b.ymax() * sy})
                .toArray(double[][]::new));
    }

    private static INDArray truthClasses(YoloExperiment.Data d, int i) {
        List<Box> boxes = d.test().split().images().get(i).boxes();
        return boxes.isEmpty() ? null : Nd4j.createFromArray(boxes.stream().mapToDouble(Box::classId).toArray());
    }
}

package org.sheetlab.experiments.yolo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.detection.NonMaxSuppression;
import org.sheetlab.core.metrics.detection.Detection;
import org.sheetlab.core.metrics.detection.GroundTruth;
import org.sheetlab.data.detection.AnnotatedImage;
import org.sheetlab.data.detection.Box;
import org.sheetlab.models.detection.YoloDecoder;

/**
 * A detector's candidate boxes on a set of images, decoded once ({@link YoloDecoder}: every prior of every cell, in
 * input pixels, score = p_c · max P(class)) and kept from a floor score on, so that many NMS settings can be evaluated
 * without running the network again.
 *
 * @param ids the image ids [M]
 * @param boxes per image the candidates' corner boxes [N_i, 4] DOUBLE (pixels of the network input)
 * @param scores per image [N_i] DOUBLE
 * @param classes per image [N_i] (class ids)
 * @param confidence per image the p_c alone [N_i]
 */
record Candidates(
        List<String> ids,
        List<INDArray> boxes,
        List<INDArray> scores,
        List<INDArray> classes,
        List<INDArray> confidence) {

    /**
     * Runs {@code net} on {@code images} [M, C, H, W] in batches of {@code batch} and keeps, per image, the candidates
     * with score ≥ {@code floor}.
     */
    static Candidates predict(
            ComputationGraph net, INDArray images, List<String> ids, int nBoxes, int batch, double floor) {
        int m = (int) images.size(0);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        List<INDArray> boxes = new ArrayList<>(m);
        List<INDArray> scores = new ArrayList<>(m);
        List<INDArray> classes = new ArrayList<>(m);
        List<INDArray> confidence = new ArrayList<>(m);
        for (int start = 0; start < m; start += batch) {
            int end = Math.min(m, start + batch);
            INDArray out = net.outputSingle(false, images.get(NDArrayIndex.interval(start, end)));
            for (int i = 0; i < end - start; i++) {
                YoloDecoder.Detections d = YoloDecoder.decode(out, nBoxes, i, w, h);
                double[] s = d.scores().toDoubleVector();
                int[] rows = java.util.stream.IntStream.range(0, s.length)
                        .filter(r -> s[r] >= floor)
                        .toArray();
                if (rows.length == 0) {
                    boxes.add(Nd4j.zeros(DataType.DOUBLE, 0, 4));
                    scores.add(Nd4j.zeros(DataType.DOUBLE, 0));
                    classes.add(Nd4j.zeros(DataType.LONG, 0));
                    confidence.add(Nd4j.zeros(DataType.DOUBLE, 0));
                } else {
                    boxes.add(d.boxes().getRows(rows));
                    scores.add(Nd4j.createFromArray(
                            Arrays.stream(rows).mapToDouble(r -> s[r]).toArray()));
                    long[] c = d.classes().toLongVector();
                    classes.add(Nd4j.createFromArray(
                            Arrays.stream(rows).mapToLong(r -> c[r]).toArray()));
                    double[] p = d.confidence().toDoubleVector();
                    confidence.add(Nd4j.createFromArray(
                            Arrays.stream(rows).mapToDouble(r -> p[r]).toArray()));
                }
            }
        }
        return new Candidates(List.copyOf(ids), boxes, scores, classes, confidence);
    }

    int images() {
        return ids.size();
    }

    /** The kept rows of image {@code i} under {@code nms} (class-agnostic as the sheet, or per class). */
    int[] keep(int i, NonMaxSuppression nms, boolean perClass) {
        if (scores.get(i).length() == 0) {
            return new int[0];
        }
        return perClass
                ? nms.keepPerClass(boxes.get(i), scores.get(i), classes.get(i))
                : nms.keep(boxes.get(i), scores.get(i));
    }

    /** Rows of image {@code i} with score ≥ {@code threshold}, without suppression (NMS step 1 only). */
    int[] above(int i, double threshold) {
        double[] s = scores.get(i).toDoubleVector();
        return java.util.stream.IntStream.range(0, s.length)
                .filter(r -> s[r] >= threshold)
                .toArray();
    }

    /** The detections that survive {@code nms} on every image, for the mAP evaluator. */
    List<Detection> detections(NonMaxSuppression nms, boolean perClass) {
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < images(); i++) {
            addRows(out, i, keep(i, nms, perClass));
        }
        return out;
    }

    void addRows(List<Detection> out, int i, int[] rows) {
        if (rows.length == 0) {
            return;
        }
        double[] b = boxes.get(i).dup().data().asDouble();
        double[] s = scores.get(i).toDoubleVector();
        long[] c = classes.get(i).toLongVector();
        for (int r : rows) {
            out.add(new Detection(ids.get(i), (int) c[r], s[r], b[4 * r], b[4 * r + 1], b[4 * r + 2], b[4 * r + 3]));
        }
    }

    /**
     * The ground truths of {@code images} (the first {@code m}), their boxes scaled from each image's size to the
     * network input's {@code width × height}.
     */
    static List<GroundTruth> groundTruths(List<AnnotatedImage> images, int m, int width, int height) {
        List<GroundTruth> out = new ArrayList<>();
        for (AnnotatedImage im : images.subList(0, m)) {
            double sx = (double) width / im.width();
            double sy = (double) height / im.height();
            for (Box b : im.boxes()) {
                out.add(new GroundTruth(
                        im.id(), b.classId(), b.xmin() * sx, b.ymin() * sy, b.xmax() * sx, b.ymax() * sy));
            }
        }
        return out;
    }
}

package org.sheetlab.models.detection;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sheet, "YOLO &amp; Object Detection": turns the output of DL4J's {@code Yolo2OutputLayer} into boxes in image
 * pixels, ready for {@link org.sheetlab.core.detection.NonMaxSuppression}.
 *
 * <p>Input: the layer's <em>activated</em> output (what {@code ComputationGraph.output} / {@code
 * MultiLayerNetwork.output} return, NCHW) {@code [B, nBoxes·(5+C), H, W]}; channel block b·(5+C) … b·(5+C)+4+C holds
 * prior b's values. DL4J's {@code YoloUtils.activate} (M2.1) has already applied, per cell (x, y) and prior b with
 * raw outputs (t_x, t_y, t_w, t_h, t_o, t_c…): σ(t_x), σ(t_y) (offset inside the cell, in [0, 1]), p_w·e^{t_w},
 * p_h·e^{t_h} (size in grid cells, the prior already multiplied in), σ(t_o) (the confidence p_c), and a softmax over
 * the C class channels. So this class does not apply sigmoid, exp or the priors again; it adds the cell index and
 * scales grid cells to pixels:
 * <pre>
 *   cx = (x + σ(t_x))·imageW/W,  cy = (y + σ(t_y))·imageH/H,  w = p_w·e^{t_w}·imageW/W,  h = p_h·e^{t_h}·imageH/H
 *   box = (cx − w/2, cy − h/2, cx + w/2, cy + h/2),  class = argmax_c P(c),  score = σ(t_o)·max_c P(c)
 * </pre>
 * These are the same boxes as {@code YoloUtils.getPredictedObjects(priors, output, threshold, 0)}, whose centres and
 * sizes are in grid cells, times the cell size in pixels. Every (prior, y, x) candidate is returned (no threshold;
 * NMS's score threshold discards the weak ones), row r = b·H·W + y·W + x.
 */
public final class YoloDecoder {
    /**
     * One image's candidates: {@code boxes [N, 4]} corner (x1, y1, x2, y2) in pixels, {@code scores [N]} =
     * confidence × class probability, {@code classes [N]} (class indices, INT64), {@code confidence [N]} (p_c alone),
     * all DOUBLE except classes, N = nBoxes·H·W.
     */
    public record Detections(INDArray boxes, INDArray scores, INDArray classes, INDArray confidence) {
        public long size() {
            return boxes.size(0);
        }
    }

    private YoloDecoder() {}

    /**
     * Candidates of image {@code example} of the activated output {@code [B, nBoxes·(5+C), H, W]} for an input image
     * of {@code imageW × imageH} pixels.
     *
     * @throws IllegalArgumentException when the shapes disagree or the array looks like raw (pre-activation) output
     */
    public static Detections decode(INDArray activated, int nBoxes, int example, int imageW, int imageH) {
        if (activated == null || activated.rank() != 4) {
            throw new IllegalArgumentException("YOLO decode: the output must be rank 4 [B, nBoxes*(5+C), H, W] (NCHW),"
                    + " got " + (activated == null ? "null" : Arrays.toString(activated.shape())));
        }
        long channels = activated.size(1);
        if (nBoxes < 1 || channels % nBoxes != 0 || channels / nBoxes < 6) {
            throw new IllegalArgumentException("YOLO decode: " + channels + " channels do not split into nBoxes = "
                    + nBoxes + " blocks of 5 + C (C ≥ 1); pass the number of priors given to Yolo2OutputLayer");
        }
        if (example < 0 || example >= activated.size(0)) {
            throw new IllegalArgumentException(
                    "YOLO decode: example " + example + " is outside the minibatch of " + activated.size(0));
        }
        if (imageW < 1 || imageH < 1) {
            throw new IllegalArgumentException(
                    "YOLO decode: the image size must be positive, got " + imageW + "x" + imageH);
        }
        int c = (int) (channels / nBoxes) - 5;
        int h = (int) activated.size(2);
        int w = (int) activated.size(3);
        INDArray a = activated
                .get(point(example), all(), all(), all())
                .castTo(DataType.DOUBLE)
                .dup('c')
                .reshape('c', nBoxes, 5 + c, h, w);
        INDArray conf = a.get(all(), point(4), all(), all()).dup('c');
        INDArray sizes = a.get(all(), interval(2, 4), all(), all());
        if (conf.minNumber().doubleValue() < 0
                || conf.maxNumber().doubleValue() > 1
                || sizes.minNumber().doubleValue() < 0) {
            throw new IllegalArgumentException("YOLO decode: confidences outside [0, 1] or negative sizes: this looks"
                    + " like raw (pre-activation) values; pass the Yolo2OutputLayer's output (network.output), which"
                    + " has sigmoid, exp·prior and softmax applied, or YoloUtils.activate(priors, raw)");
        }
        double cellW = (double) imageW / w;
        double cellH = (double) imageH / h;
        INDArray gridX = Nd4j.arange(w).castTo(DataType.DOUBLE).reshape(1, 1, w).broadcast(nBoxes, h, w);
        INDArray gridY = Nd4j.arange(h).castTo(DataType.DOUBLE).reshape(1, h, 1).broadcast(nBoxes, h, w);
        INDArray cx = flat(a.get(all(), point(0), all(), all()).add(gridX).muli(cellW));
        INDArray cy = flat(a.get(all(), point(1), all(), all()).add(gridY).muli(cellH));
        INDArray halfW = flat(a.get(all(), point(2), all(), all()).mul(cellW / 2));
        INDArray halfH = flat(a.get(all(), point(3), all(), all()).mul(cellH / 2));
        INDArray boxes = Nd4j.stack(1, cx.sub(halfW), cy.sub(halfH), cx.add(halfW), cy.add(halfH));
        INDArray probs = a.get(all(), interval(5, 5 + c), all(), all()); // [nBoxes, C, H, W]
        INDArray best = flat(probs.max(1));
        INDArray classes = flat(Nd4j.argMax(probs, 1).castTo(DataType.LONG));
        INDArray confidence = flat(conf);
        return new Detections(boxes, confidence.mul(best), classes, confidence);
    }

    /** [nBoxes, H, W] (or any shape) to a vector in c order: index b·H·W + y·W + x. */
    private static INDArray flat(INDArray x) {
        return x.dup('c').reshape('c', new long[] {x.length()});
    }
}

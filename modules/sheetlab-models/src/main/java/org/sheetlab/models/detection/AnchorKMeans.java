package org.sheetlab.models.detection;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sheet, "YOLO &amp; Object Detection", anchor boxes: the priors of DL4J's {@code Yolo2OutputLayer} chosen as in
 * YOLOv2 (Redmon &amp; Farhadi 2017, "dimension clusters"): k-means on the training boxes' sizes (w, h) with the
 * distance d(box, centroid) = 1 − IoU(box, centroid), where both boxes are placed at a common centre, so
 * IoU = min(w₁, w₂)·min(h₁, h₂) / (w₁h₁ + w₂h₂ − min(w₁, w₂)·min(h₁, h₂)). Unlike Euclidean k-means, a large box's
 * pixel error does not outweigh a small box's.
 *
 * <p>Algorithm: k-means++ seeding with this distance (the first centre drawn uniformly, each next one with
 * probability ∝ d² to the nearest chosen centre) from a {@link Random} with the given seed, then Lloyd iterations:
 * assign each box to the centroid of least d (ties: the lower index), move each centroid to the mean (w, h) of its
 * boxes, until no assignment changes or {@code maxIterations}. A centroid that loses all its boxes is moved onto
 * the box farthest (largest d) from its own centroid. The same boxes, k and seed give the same priors.
 *
 * <p>Units: the priors are in the units of the input sizes. {@code Yolo2OutputLayer} wants priors in grid cells,
 * so pass sizes in grid cells (pixels divided by image width / grid width, and height likewise), or convert the
 * pixel priors afterwards with {@link #toGridUnits}. Output: {@code [k, 2]} (w, h), DOUBLE, sorted by area w·h
 * ascending (ties: by w).
 */
public final class AnchorKMeans {
    /** Default cap on Lloyd iterations. */
    public static final int DEFAULT_MAX_ITERATIONS = 300;

    /**
     * The chosen priors {@code [k, 2]} (w, h) sorted by area, the mean over boxes of the IoU with the assigned prior
     * (YOLOv2's "Avg IOU"), and the number of Lloyd iterations run.
     */
    public record Result(INDArray priors, double meanIou, int iterations) {}

    private AnchorKMeans() {}

    /** As {@link #fit(INDArray, int, long, int)} with {@link #DEFAULT_MAX_ITERATIONS}. */
    public static Result fit(INDArray sizes, int k, long seed) {
        return fit(sizes, k, seed, DEFAULT_MAX_ITERATIONS);
    }

    /**
     * k priors for the box sizes {@code sizes [N, 2]} (w, h per box, any positive unit).
     *
     * @throws IllegalArgumentException when sizes is not [N, 2], k &lt; 1, k &gt; N, or a width or height is not a
     *     finite positive number
     */
    public static Result fit(INDArray sizes, int k, long seed, int maxIterations) {
        if (sizes == null || sizes.rank() != 2 || sizes.size(1) != 2) {
            throw new IllegalArgumentException("anchor k-means: box sizes must be [N, 2] (w, h per box), got "
                    + (sizes == null ? "null" : Arrays.toString(sizes.shape())));
        }
        int n = (int) sizes.size(0);
        if (k < 1) {
            throw new IllegalArgumentException("anchor k-means: k must be at least 1, got " + k);
        }
        if (k > n) {
            throw new IllegalArgumentException("anchor k-means: k = " + k + " priors need at least k boxes, got " + n
                    + " boxes; lower k or give more training boxes");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException(
                    "anchor k-means: maxIterations must be at least 1, got " + maxIterations);
        }
        double[][] boxes = sizes.castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double v = boxes[i][j];
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("anchor k-means: box " + i + " has "
                            + (j == 0 ? "width" : "height")
                            + " " + v + "; every width and height must be a finite positive number (drop empty or"
                            + " degenerate boxes first)");
                }
            }
        }
        Random random = new Random(seed);
        double[][] centres = seedPlusPlus(boxes, k, random);
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        int iterations = 0;
        while (iterations < maxIterations) {
            iterations++;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = nearest(boxes[i], centres);
                if (best != assignment[i]) {
                    assignment[i] = best;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sums = new double[k][2];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                sums[assignment[i]][0] += boxes[i][0];
                sums[assignment[i]][1] += boxes[i][1];
                counts[assignment[i]]++;
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    centres[c] = new double[] {sums[c][0] / counts[c], sums[c][1] / counts[c]};
                } else {
                    centres[c] = farthestBox(boxes, centres, assignment).clone();
                }
            }
        }
        double iouSum = 0;
        for (int i = 0; i < n; i++) {
            iouSum += iou(boxes[i], centres[nearest(boxes[i], centres)]);
        }
        double[][] sorted = centres.clone();
        Arrays.sort(sorted, (a, b) -> {
            int byArea = Double.compare(a[0] * a[1], b[0] * b[1]);
            return byArea != 0 ? byArea : Double.compare(a[0], b[0]);
        });
        return new Result(Nd4j.createFromArray(sorted), iouSum / n, iterations);
    }

    /**
     * Pixel priors {@code [k, 2]} to grid cells for {@code Yolo2OutputLayer}: w·gridW/imageW, h·gridH/imageH.
     */
    public static INDArray toGridUnits(INDArray pixelPriors, int imageW, int imageH, int gridW, int gridH) {
        if (pixelPriors == null || pixelPriors.rank() != 2 || pixelPriors.size(1) != 2) {
            throw new IllegalArgumentException("anchor priors must be [k, 2] (w, h), got "
                    + (pixelPriors == null ? "null" : Arrays.toString(pixelPriors.shape())));
        }
        if (imageW < 1 || imageH < 1 || gridW < 1 || gridH < 1) {
            throw new IllegalArgumentException("anchor priors: image and grid sizes must be positive, got image "
                    + imageW + "x" + imageH + ", grid " + gridW + "x" + gridH);
        }
        INDArray grid = pixelPriors.castTo(DataType.DOUBLE).dup();
        grid.getColumn(0).muli((double) gridW / imageW);
        grid.getColumn(1).muli((double) gridH / imageH);
        return grid;
    }

    /** IoU of two sizes (w, h) placed at a common centre. */
    static double iou(double[] a, double[] b) {
        double inter = Math.min(a[0], b[0]) * Math.min(a[1], b[1]);
        return inter / (a[0] * a[1] + b[0] * b[1] - inter);
    }

    private static int nearest(double[] box, double[][] centres) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.length; c++) {
            double d = 1 - iou(box, centres[c]);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    private static double[][] seedPlusPlus(double[][] boxes, int k, Random random) {
        int n = boxes.length;
        double[][] centres = new double[k][];
        centres[0] = boxes[random.nextInt(n)].clone();
        double[] d2 = new double[n];
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                double best = Double.POSITIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    best = Math.min(best, 1 - iou(boxes[i], centres[j]));
                }
                d2[i] = best * best;
                total += d2[i];
            }
            int pick;
            if (total <= 0) {
                pick = random.nextInt(n); // every box coincides with a chosen centre: any box will do
            } else {
                double r = random.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += d2[i];
                    if (r < acc) {
                        pick = i;
                        break;
                    }
                }
            }
            centres[c] = boxes[pick].clone();
        }
        return centres;
    }

    private static double[] farthestBox(double[][] boxes, double[][] centres, int[] assignment) {
        int far = 0;
        double farD = -1;
        for (int i = 0; i < boxes.length; i++) {
            double d = 1 - iou(boxes[i], centres[assignment[i]]);
            if (d > farD) {
                farD = d;
                far = i;
            }
        }
        return boxes[far];
    }
}

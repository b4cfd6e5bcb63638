package org.sheetlab.core.detection;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, "YOLO &amp; Object Detection": boxes and IoU = Intersection / Union, vectorised on ND4J.
 *
 * <p>Formats, one box per row: corner {@code [N, 4]} = (x1, y1, x2, y2) with x1 ≤ x2 and y1 ≤ y2 (torchvision's
 * {@code xyxy}), and centre {@code [N, 4]} = (cx, cy, w, h) with w, h ≥ 0 (YOLO's output, torchvision's
 * {@code cxcywh}). {@link #centreToCorner} and {@link #cornerToCentre} convert; IoU takes corner boxes.
 *
 * <p>IoU of boxes a and b: inter = max(0, min(a.x2, b.x2) − max(a.x1, b.x1)) · max(0, min(a.y2, b.y2) − max(a.y1,
 * b.y1)), union = area(a) + area(b) − inter, IoU = inter / union, evaluated in that order (as torchvision's
 * {@code box_iou} and its NMS kernel do, so the values agree bit for bit in DOUBLE). Conventions:
 * <ul>
 *   <li>boxes that only touch (share an edge or a corner) have inter = 0, so IoU = 0;</li>
 *   <li>a zero-area box (x1 = x2 or y1 = y2) has IoU 0 with every box, itself and another zero-area box included:
 *       there union = 0 and torchvision returns 0/0 = NaN, sheetlab returns 0 (the box overlaps nothing);</li>
 *   <li>identical boxes of positive area have IoU exactly 1; a box nested in another has IoU area(inner) /
 *       area(outer).</li>
 * </ul>
 * Bad input (not {@code [N, 4]}, not finite, x2 &lt; x1 or y2 &lt; y1, negative w or h) is refused with a message that
 * names the first offending row. Computations run in DOUBLE when either input is DOUBLE, otherwise in FLOAT; the
 * global default data type is left alone.
 */
public final class Boxes {
    private Boxes() {}

    /**
     * Pairwise IoU of corner boxes: {@code a [N, 4]}, {@code b [M, 4]} → {@code [N, M]}, entry (i, j) = IoU(a_i, b_j).
     * One broadcast ND4J expression over the N·M pairs; no per-box Java objects. N or M may be 0.
     */
    public static INDArray iou(INDArray a, INDArray b) {
        requireCorner(a, "IoU: first box set");
        requireCorner(b, "IoU: second box set");
        DataType type =
                a.dataType() == DataType.DOUBLE || b.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
        long n = a.size(0);
        long m = b.size(0);
        if (n == 0 || m == 0) {
            return Nd4j.create(type, n, m);
        }
        INDArray x = a.castTo(type); // may be a itself: nothing below writes into x, y or views of them
        INDArray y = b.castTo(type);
        INDArray left = Transforms.max(column(x, 0, n, m, true), column(y, 0, n, m, false), true);
        INDArray top = Transforms.max(column(x, 1, n, m, true), column(y, 1, n, m, false), true);
        INDArray right = Transforms.min(column(x, 2, n, m, true), column(y, 2, n, m, false), true);
        INDArray bottom = Transforms.min(column(x, 3, n, m, true), column(y, 3, n, m, false), true);
        INDArray inter = Transforms.relu(right.subi(left), false).muli(Transforms.relu(bottom.subi(top), false));
        INDArray union = area(x).reshape(n, 1)
                .broadcast(n, m)
                .add(area(y).reshape(1, m).broadcast(n, m))
                .subi(inter);
        // union = 0 only for two zero-area boxes, where inter = 0 too: dividing by the smallest positive number
        // instead gives 0 there and changes no other entry (a positive union is at least that number)
        double tiny = type == DataType.DOUBLE ? Double.MIN_VALUE : Float.MIN_VALUE;
        return inter.divi(Transforms.max(union, tiny, false));
    }

    /** IoU of two single corner boxes (x1, y1, x2, y2), as {@link #iou(INDArray, INDArray)} computes it. */
    public static double iouOfPair(double[] a, double[] b) {
        return iou(Nd4j.createFromArray(new double[][] {a}), Nd4j.createFromArray(new double[][] {b}))
                .getDouble(0, 0);
    }

    /**
     * IoU of two corner boxes given as numbers (continuous coordinates), for per-pair loops where an ND4J call per pair
     * would dominate (e.g. mAP matching): intersection / union, 0 when the union is empty (two zero-area boxes).
     */
    public static double iou(
            double ax1, double ay1, double ax2, double ay2, double bx1, double by1, double bx2, double by2) {
        double w = Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0.0);
        double h = Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0.0);
        double inter = w * h;
        double union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
        return union > 0 ? inter / union : 0.0;
    }

    /** Areas (x2 − x1)(y2 − y1) of corner boxes {@code [N, 4]} → {@code [N]}. */
    public static INDArray area(INDArray corner) {
        return corner.getColumn(2)
                .sub(corner.getColumn(0))
                .muli(corner.getColumn(3).sub(corner.getColumn(1)));
    }

    /** (cx, cy, w, h) {@code [N, 4]} → (cx − w/2, cy − h/2, cx + w/2, cy + h/2) {@code [N, 4]}, same data type. */
    public static INDArray centreToCorner(INDArray centre) {
        requireCentre(centre, "centre to corner");
        INDArray c = centre.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2));
        INDArray half =
                centre.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 4)).mul(0.5);
        return Nd4j.hstack(c.sub(half), c.add(half));
    }

    /** (x1, y1, x2, y2) {@code [N, 4]} → ((x1 + x2)/2, (y1 + y2)/2, x2 − x1, y2 − y1) {@code [N, 4]}, same type. */
    public static INDArray cornerToCentre(INDArray corner) {
        requireCorner(corner, "corner to centre");
        INDArray lo = corner.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2));
        INDArray hi = corner.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 4));
        return Nd4j.hstack(lo.add(hi).muli(0.5), hi.sub(lo));
    }

    /**
     * Checks corner boxes: a floating-point {@code [N, 4]} array of finite values with x1 ≤ x2 and y1 ≤ y2.
     *
     * @throws IllegalArgumentException naming {@code what}, the problem, the first bad row and the fix
     */
    public static void requireCorner(INDArray boxes, String what) {
        requireShape(boxes, what, "corner (x1, y1, x2, y2)");
        if (boxes.size(0) == 0) {
            return;
        }
        INDArray bad = boxes.getColumn(2)
                .lt(boxes.getColumn(0))
                .castTo(DataType.INT32)
                .addi(boxes.getColumn(3).lt(boxes.getColumn(1)).castTo(DataType.INT32));
        long row = firstNonZero(bad);
        if (row >= 0) {
            throw new IllegalArgumentException(what + ": box " + row + " = " + rowText(boxes, row)
                    + " has x2 < x1 or y2 < y1; corner boxes are (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2 (for "
                    + "(cx, cy, w, h) boxes call Boxes.centreToCorner first; for [y1, x1, y2, x2] swap the columns)");
        }
    }

    /** Checks centre boxes: a floating-point {@code [N, 4]} array of finite values with w ≥ 0 and h ≥ 0. */
    public static void requireCentre(INDArray boxes, String what) {
        requireShape(boxes, what, "centre (cx, cy, w, h)");
        if (boxes.size(0) == 0) {
            return;
        }
        INDArray bad = boxes.getColumn(2)
                .lt(0)
                .castTo(DataType.INT32)
                .addi(boxes.getColumn(3).lt(0).castTo(DataType.INT32));
        long row = firstNonZero(bad);
        if (row >= 0) {
            throw new IllegalArgumentException(what + ": box " + row + " = " + rowText(boxes, row)
                    + " has a negative width or height; centre boxes are (cx, cy, w, h) with w, h >= 0");
        }
    }

    private static void requireShape(INDArray boxes, String what, String format) {
        if (boxes == null || boxes.rank() != 2 || boxes.size(1) != 4) {
            throw new IllegalArgumentException(what + ": expected " + format + " boxes of shape [N, 4], one box per "
                    + "row, got " + (boxes == null ? "null" : Arrays.toString(boxes.shape()))
                    + (boxes != null && boxes.rank() == 1 && boxes.length() == 4
                            ? " (reshape a single box to [1, 4])"
                            : ""));
        }
        if (!boxes.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": boxes must be FLOAT or DOUBLE, got " + boxes.dataType()
                    + " (cast with castTo(DataType.DOUBLE))");
        }
        if (boxes.length() > 0) {
            long row = firstNonZero(boxes.isNaN()
                    .castTo(DataType.INT32)
                    .addi(boxes.isInfinite().castTo(DataType.INT32))
                    .sum(1));
            if (row >= 0) {
                throw new IllegalArgumentException(what + ": box " + row + " = " + rowText(boxes, row)
                        + " is not finite (NaN or infinite coordinate)");
            }
        }
    }

    /** Index of the first non-zero entry of a vector, or −1. Used only on the error path's check. */
    private static long firstNonZero(INDArray vector) {
        if (vector.sumNumber().doubleValue() == 0) {
            return -1;
        }
        int[] values = vector.toIntVector();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    private static String rowText(INDArray boxes, long row) {
        return Arrays.toString(boxes.getRow(row).toDoubleVector());
    }

    /** Column {@code c} of {@code [*, 4]} boxes broadcast to [n, m]: along rows ({@code asRows}) or columns. */
    private static INDArray column(INDArray boxes, int c, long n, long m, boolean asRows) {
        INDArray col = boxes.getColumn(c);
        return asRows ? col.reshape(n, 1).broadcast(n, m) : col.reshape(1, m).broadcast(n, m);
    }
}

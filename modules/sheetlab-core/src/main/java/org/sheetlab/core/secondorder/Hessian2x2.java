package org.sheetlab.core.secondorder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sheet, Hessian &amp; 2nd-Order Optimization, "2D Quadratic Hessian": for L(x, y) = a·x² + b·x·y + c·y²,
 * H = [[2a, b], [b, 2c]] and H⁻¹ = 1/(4ac − b²)·[[2c, −b], [−b, 2a]].
 */
public final class Hessian2x2 {
    private Hessian2x2() {}

    /** H of a·x² + b·xy + c·y²: [[2a, b], [b, 2c]] (DOUBLE). */
    public static INDArray ofQuadratic(double a, double b, double c) {
        return Nd4j.createFromArray(new double[][] {{2 * a, b}, {b, 2 * c}});
    }

    /** The sheet's closed form H⁻¹ = 1/(4ac − b²)·[[2c, −b], [−b, 2a]] for H = [[2a, b], [b, 2c]]. */
    public static INDArray inverseOfQuadratic(double a, double b, double c) {
        double det = 4 * a * c - b * b;
        if (det == 0) {
            throw new ArithmeticException("the quadratic's Hessian is singular (4ac − b² = 0): no Newton step exists; "
                    + "add damping (H + λI)");
        }
        return Nd4j.createFromArray(new double[][] {{2 * c, -b}, {-b, 2 * a}}).divi(det);
    }

    /** Inverse of any 2×2 matrix [[p, q], [r, s]] = 1/(ps − qr)·[[s, −q], [−r, p]], in the input's data type. */
    public static INDArray inverse(INDArray m) {
        if (m.rank() != 2 || m.rows() != 2 || m.columns() != 2) {
            throw new IllegalArgumentException(
                    "Hessian2x2.inverse needs a 2×2 matrix, got shape " + java.util.Arrays.toString(m.shape()));
        }
        double p = m.getDouble(0, 0);
        double q = m.getDouble(0, 1);
        double r = m.getDouble(1, 0);
        double s = m.getDouble(1, 1);
        double det = p * s - q * r;
        if (det == 0) {
            throw new ArithmeticException("singular 2×2 block " + m + ": no inverse; add damping (H + λI)");
        }
        DataType dt = m.dataType();
        return Nd4j.createFromArray(new double[][] {{s, -q}, {-r, p}}).divi(det).castTo(dt);
    }
}

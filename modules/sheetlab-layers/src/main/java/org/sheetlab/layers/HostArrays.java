package org.sheetlab.layers;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host-side helpers of the custom layers' explicit passes (recurrent, attention): ND4J arrays to and from heap double
 * arrays (FLOAT converted, views read from their offset), detached scratch arrays, and sigmoid/tanh through the
 * intrinsic {@code Math.exp}.
 */
public final class HostArrays {
    private HostArrays() {}

    /** Per-thread scratch for FLOAT conversions. */
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);

    public static INDArray detached(DataType type, long rows, long cols) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return Nd4j.createUninitialized(type, rows, cols);
        }
    }

    /**
     * {@code old} when it is a {@link #detached} array of this type and shape (to be overwritten), else a new one: the
     * layers' per-pass scratch, whose fresh off-heap pages would otherwise be faulted in on every call.
     */
    public static INDArray detached(INDArray old, DataType type, long rows, long cols) {
        return old != null && old.dataType() == type && old.rank() == 2 && old.size(0) == rows && old.size(1) == cols
                ? old
                : detached(type, rows, cols);
    }

    public static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /**
     * tanh through the intrinsic {@code Math.exp} (the JDK's {@code Math.tanh} is the slow StrictMath port): absolute
     * error below 3e-16 everywhere.
     */
    public static double tanh(double v) {
        double e = Math.exp(-2.0 * Math.abs(v));
        double t = (1.0 - e) / (1.0 + e);
        return v < 0 ? -t : t;
    }

    /** The elements of {@code a} in c order, as doubles. */
    public static double[] read(INDArray a) {
        double[] out = new double[(int) a.length()];
        readInto(a, out);
        return out;
    }

    public static void readInto(INDArray a, double[] out) {
        INDArray c = a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
        int n = (int) c.length();
        if (c.dataType() == DataType.DOUBLE) {
            DoubleBuffer buf = c.data().asNioDouble();
            buf.position((int) c.offset());
            buf.get(out, 0, n);
        } else if (c.dataType() == DataType.FLOAT) {
            FloatBuffer buf = c.data().asNioFloat();
            buf.position((int) c.offset());
            float[] tmp = FLOATS.get();
            if (tmp.length < n) {
                tmp = new float[n];
                FLOATS.set(tmp);
            }
            buf.get(tmp, 0, n);
            for (int i = 0; i < n; i++) {
                out[i] = tmp[i];
            }
        } else {
            double[] d = c.castTo(DataType.DOUBLE).data().asDouble();
            System.arraycopy(d, 0, out, 0, n);
        }
    }

    public static void write(INDArray a, double[] from) {
        write(a, from, 0, (int) a.length());
    }

    /** Writes from[off .. off + n) into the c-order, default-stride array {@code a}. */
    public static void write(INDArray a, double[] from, int off, int n) {
        if (a.dataType() == DataType.DOUBLE) {
            DoubleBuffer buf = a.data().asNioDouble();
            buf.position((int) a.offset());
            buf.put(from, off, n);
        } else {
            FloatBuffer buf = a.data().asNioFloat();
            buf.position((int) a.offset());
            float[] tmp = FLOATS.get();
            if (tmp.length < n) {
                tmp = new float[n];
                FLOATS.set(tmp);
            }
            for (int i = 0; i < n; i++) {
                tmp[i] = (float) from[off + i];
            }
            buf.put(tmp, 0, n);
        }
    }

    /** [B, n, T] (NCW, c order) as time-major rows: out[(t·B + b)·n + k] = x[(b·n + k)·T + t]. */
    public static double[] timeMajor(double[] x, int b, int n, int steps) {
        double[] out = new double[b * n * steps];
        for (int e = 0; e < b; e++) {
            for (int k = 0; k < n; k++) {
                int src = (e * n + k) * steps;
                for (int t = 0; t < steps; t++) {
                    out[(t * b + e) * n + k] = x[src + t];
                }
            }
        }
        return out;
    }

    /** The inverse of {@link #timeMajor}: time-major rows back to [B, n, T]. */
    public static double[] batchMajor(double[] rows, int b, int n, int steps) {
        double[] out = new double[b * n * steps];
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < b; e++) {
                int src = (t * b + e) * n;
                for (int k = 0; k < n; k++) {
                    out[(e * n + k) * steps + t] = rows[src + k];
                }
            }
        }
        return out;
    }
}

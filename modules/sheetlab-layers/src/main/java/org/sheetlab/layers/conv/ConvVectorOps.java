package org.sheetlab.layers.conv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link HostKernels}' vectorised pieces with the JDK's Vector API (jdk.incubator.vector): the ReLU's backward pass on
 * heap arrays, and the FLOAT kernels that move the sheet CNN's activations and gradients between layouts, computed
 * straight on the ND4J arrays' off-heap buffers ({@link #direct}). Loaded only when the JVM runs with {@code
 * --add-modules jdk.incubator.vector} ({@link HostKernels#VECTOR_API}: the flag lives outside this class, because
 * touching this class at all loads the Vector API's classes); otherwise the kernels' scalar loops over heap copies run.
 *
 * <p>Why the off-heap kernels: the heap path copies every operand into a Java array and every result back (a {@code
 * FloatBuffer} bulk get and put each), which a perf profile of the sheet CNN's training step (batch 64, one thread)
 * put at 2.1 ms of its 10.1 ms, 19% of the samples, in the JVM's copy stubs (2026-12-06). Here each element is read
 * and written once. The arithmetic is the heap path's, element for element (the same additions of the bias, the same
 * ReLU mask, the channel sums in the same {@link HostKernels#SUM_LANES} lanes in the same order), so both give the same
 * bits; {@code HostKernelsTest} checks that on shapes with and without vector tails.
 *
 * <p>The scalar ReLU loop with a branch ({@code z > 0 ? ε : 0}) costs about 6 ns per element on random signs
 * (mispredicted), the branch-free one 2 ns, the vector one a fraction of that (2026-12-06, busy 2-vCPU Xeon).
 */
final class ConvVectorOps {
    private ConvVectorOps() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The channel sums' lanes: {@link HostKernels#SUM_LANES} = 8 floats. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** e[i] = z[i] &gt; 0 ? e[i] : 0 for i &lt; n (NaN in z gives 0, as DL4J's relu_bp). */
    static void reluBackward(float[] z, float[] e, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            zero.blend(FloatVector.fromArray(S, e, i), zv.compare(VectorOperators.GT, 0f))
                    .intoArray(e, i);
        }
        for (; i < n; i++) {
            e[i] = z[i] > 0 ? e[i] : 0f;
        }
    }

    /**
     * Whether the off-heap kernels can address every given array (null ones ignored): FLOAT buffers of at most 2^31
     * bytes, the reach of a {@link ByteBuffer}; larger ones take the heap path.
     */
    static boolean direct(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && (a.data().length() + a.offset()) * Float.BYTES > Integer.MAX_VALUE - 64) {
                return false;
            }
        }
        return true;
    }

    /** The whole off-heap buffer under {@code a}, native order; element i of it is at byte 4·i. */
    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ORDER);
    }

    /*
     * One load per species, each naming its species as a constant: C2 intrinsifies a vector operation only where the
     * species is a constant after inlining. A precaution, not a measured gain: the one slow Vector API loop found here
     * (im2colT's run copies, replaced by bulk copies) stayed as slow with constant species.
     */
    private static FloatVector load(ByteBuffer b, int i) {
        return FloatVector.fromByteBuffer(S, b, i << 2, ORDER);
    }

    private static FloatVector load8(ByteBuffer b, int i) {
        return FloatVector.fromByteBuffer(S8, b, i << 2, ORDER);
    }

    private static void store(FloatVector v, ByteBuffer b, int i) {
        v.intoByteBuffer(b, i << 2, ORDER);
    }

    private static float get(ByteBuffer b, int i) {
        return b.getFloat(i << 2);
    }

    private static void put(ByteBuffer b, int i, float v) {
        b.putFloat(i << 2, v);
    }

    /**
     * {@link HostKernels#im2colT} on the off-heap buffers: each contiguous run as one absolute bulk copy between the
     * float views of the buffers (a memmove), the padded windows cell by cell. Not the Vector API: on JDK 17 its
     * ByteBuffer loads and stores of a 24-float run took 7x as long as the bulk copy (2.1 against 0.29 ms for the sheet
     * CNN's first layer, batch 64; the scalar ByteBuffer loop 1.6 ms).
     */
    static void im2colT(
            INDArray x, int[] mapT, int[] runs, int positions, int block, int batch, int e0, int e1, INDArray colsT) {
        int k = mapT.length / positions;
        int rows = runs.length / k;
        int width = positions / rows;
        FloatBuffer xb = x.data().asNioFloat();
        FloatBuffer cb = colsT.data().asNioFloat();
        int xOff = (int) x.offset();
        long row = (long) batch * positions;
        for (int j = 0; j < k; j++) {
            int m = j * positions;
            for (int e = e0; e < e1; e++) {
                int base = xOff + e * block;
                int o = (int) (colsT.offset() + j * row + (long) e * positions);
                for (int r = 0; r < rows; r++) {
                    int run = runs[j * rows + r];
                    int q0 = r * width;
                    if (run >= 0) {
                        cb.put(o + q0, xb, base + run, width);
                        continue;
                    }
                    for (int p = q0; p < q0 + width; p++) {
                        int s = mapT[m + p];
                        cb.put(o + p, s < 0 ? 0f : xb.get(base + s));
                    }
                }
            }
        }
    }

    /** {@link HostKernels#fromChannelsMajor} on the off-heap buffers; {@code bias}: the F biases (zeros for none). */
    static void fromChannelsMajor(
            INDArray zm,
            float[] bias,
            int positions,
            int channels,
            int batch,
            int e0,
            int e1,
            INDArray out,
            INDArray copy) {
        int per = positions * channels;
        ByteBuffer ib = bytes(zm);
        ByteBuffer ob = bytes(out);
        ByteBuffer cb = copy == null ? null : bytes(copy);
        long row = (long) batch * positions;
        int end = S.loopBound(positions);
        for (int e = e0; e < e1; e++) {
            for (int f = 0; f < channels; f++) {
                float bf = bias[f];
                int i = (int) (zm.offset() + f * row + (long) e * positions);
                int o = (int) (out.offset() + (long) e * per + (long) f * positions);
                int c = copy == null ? 0 : (int) (copy.offset() + (long) e * per + (long) f * positions);
                int p = 0;
                for (; p < end; p += S.length()) {
                    FloatVector v = load(ib, i + p).add(bf);
                    store(v, ob, o + p);
                    if (cb != null) {
                        store(v, cb, c + p);
                    }
                }
                for (; p < positions; p++) {
                    float v = get(ib, i + p) + bf;
                    put(ob, o + p, v);
                    if (cb != null) {
                        put(cb, c + p, v);
                    }
                }
            }
        }
    }

    /**
     * {@link HostKernels#toChannelsMajor} on the off-heap buffers, for a multiple of {@link HostKernels#SUM_LANES}
     * positions (no tails; others take the heap path): δ (masked by z &gt; 0 where z is given) into the channel-major
     * {@code out}, and where {@code sums} is given each channel's sum in the heap path's 8 lanes and order (per lane:
     * the examples in order, each one's positions in order).
     *
     * <p>Example by example, each example's F rows read in memory order (the rows scattered over F output streams):
     * for the sheet CNN's first layer at batch 64 ([64, 16, 576]) 0.25 ms, where channel by channel (each channel's
     * rows gathered from the B examples, one output stream) took 1.3 ms and the heap path 1.05 ms (2026-12-06, one
     * thread). The masked and the plain pass are separate methods, so that no vector is merged from two branches (C2
     * may box such a vector); a precaution, not measured separately.
     */
    static void toChannelsMajor(
            INDArray z,
            INDArray d,
            int positions,
            int channels,
            int batch,
            int e0,
            int e1,
            INDArray out,
            INDArray sums) {
        if (positions % HostKernels.SUM_LANES != 0) {
            throw new IllegalArgumentException("positions " + positions + " is not a multiple of 8");
        }
        int per = positions * channels;
        ByteBuffer db = bytes(d);
        ByteBuffer zb = z == null ? null : bytes(z);
        ByteBuffer ob = bytes(out);
        long row = (long) batch * positions;
        long dOff = d.offset();
        long zOff = z == null ? 0 : z.offset();
        long oOff = out.offset();
        float[] lanes = new float[channels * HostKernels.SUM_LANES];
        for (int e = e0; e < e1; e++) {
            int di = (int) (dOff + (long) e * per);
            int o = (int) (oOff + (long) e * positions);
            if (zb == null) {
                plainExample(db, di, ob, o, row, channels, positions, lanes);
            } else {
                maskedExample(db, di, zb, (int) (zOff + (long) e * per), ob, o, row, channels, positions, lanes);
            }
        }
        if (sums != null) {
            for (int f = 0; f < channels; f++) {
                float t = 0f;
                for (int l = 0; l < HostKernels.SUM_LANES; l++) {
                    t += lanes[f * HostKernels.SUM_LANES + l];
                }
                sums.putScalar(f, t);
            }
        }
    }

    /**
     * One example's F rows of n (a multiple of 8) values: out[o + f·row + p] = d[di + f·n + p], and lanes[8f + l] +=
     * the values at p ≡ l (mod 8), in order.
     */
    private static void plainExample(
            ByteBuffer db, int di, ByteBuffer ob, int o, long row, int channels, int n, float[] lanes) {
        for (int f = 0; f < channels; f++) {
            FloatVector acc = FloatVector.fromArray(S8, lanes, f * 8);
            int dr = di + f * n;
            int or = (int) (o + f * row);
            for (int p = 0; p < n; p += 8) {
                FloatVector v = load8(db, dr + p);
                v.intoByteBuffer(ob, (or + p) << 2, ORDER);
                acc = acc.add(v);
            }
            acc.intoArray(lanes, f * 8);
        }
    }

    /** {@link #plainExample} with the values masked: z[zi + f·n + p] &gt; 0 ? d[..] : 0. */
    private static void maskedExample(
            ByteBuffer db,
            int di,
            ByteBuffer zb,
            int zi,
            ByteBuffer ob,
            int o,
            long row,
            int channels,
            int n,
            float[] lanes) {
        FloatVector zero = FloatVector.zero(S8);
        for (int f = 0; f < channels; f++) {
            FloatVector acc = FloatVector.fromArray(S8, lanes, f * 8);
            int dr = di + f * n;
            int zr = zi + f * n;
            int or = (int) (o + f * row);
            for (int p = 0; p < n; p += 8) {
                FloatVector v = zero.blend(load8(db, dr + p), load8(zb, zr + p).compare(VectorOperators.GT, 0f));
                v.intoByteBuffer(ob, (or + p) << 2, ORDER);
                acc = acc.add(v);
            }
            acc.intoArray(lanes, f * 8);
        }
    }

    /** {@link HostKernels#reluBackward} on the off-heap buffers. */
    static void reluBackward(INDArray z, INDArray eps, long from, int n, INDArray out) {
        ByteBuffer zb = bytes(z);
        ByteBuffer eb = bytes(eps);
        ByteBuffer ob = bytes(out);
        int zi = (int) (z.offset() + from);
        int ei = (int) (eps.offset() + from);
        int oi = (int) (out.offset() + from);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector zv = load(zb, zi + i);
            store(zero.blend(load(eb, ei + i), zv.compare(VectorOperators.GT, 0f)), ob, oi + i);
        }
        for (; i < n; i++) {
            put(ob, oi + i, get(zb, zi + i) > 0 ? get(eb, ei + i) : 0f);
        }
    }
}

package org.sheetlab.layers.recurrent;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * The float kernels of {@link FastLstmLayer}'s and {@link GruLayer}'s FLOAT passes (sheet: LSTM Gates; GRU), on heap
 * float arrays in time-major rows (row t·B + b):
 *
 * <ul>
 *   <li>{@link #gemm}: C [m, n] (+)= A [m, k]·B [k, n], row-major with leading dimensions, for the per-step products
 *       (h_{t−1}·RW [B_part, H]·[H, 4H] forward, δz_t·RWᵀ backward) without a JNI call or a copy per step;
 *   <li>the gate arithmetic of one row (one example at one step) of each cell, forward and backward.
 * </ul>
 *
 * With {@code --add-modules jdk.incubator.vector} ({@link #VECTOR_API}) the Vector API versions
 * ({@link RnnVectorKernels}) run, whose sigmoid and tanh are the lane-wise {@code EXP}/{@code TANH} intrinsics; the
 * scalar loops here finish the columns they leave and run everything on a JVM without the module. Both compute the
 * same formulas in float (they differ in rounding only). The DOUBLE passes (gradient checks) keep the layers' double
 * loops.
 */
final class RnnKernels {
    private RnnKernels() {}

    /**
     * Whether the Vector API kernels run: the JVM has the jdk.incubator.vector module and
     * {@code -Dsheetlab.rnn.vectorApi=false} is not set.
     */
    static final boolean VECTOR_API =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("sheetlab.rnn.vectorApi"));

    /** For tests: run the scalar loops even where the Vector API is present. */
    static boolean forceScalar;

    /** For tests: FLOAT layers take their double (reference) passes, as DOUBLE ones do. */
    static boolean referenceOnly;

    private static boolean vector() {
        return VECTOR_API && !forceScalar;
    }

    /** C[i·ldc + j] (+ when {@code acc})= Σ_p A[i·lda + p]·B[p·ldb + j], i &lt; m, j &lt; n, p &lt; k (with offsets). */
    static void gemm(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean acc) {
        gemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, acc);
    }

    /**
     * C (+)= Aᵀ·B for row-major A [k, m] (leading dimension lda): C[i·ldc + j] (+)= Σ_p A[p·lda + i]·B[p·ldb + j] —
     * the weight gradients Σ_rows inputᵀ·δ of one step.
     */
    static void gemmTransA(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean acc) {
        gemm(m, n, k, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc, acc);
    }

    /** The general form: A[i, p] = a[aOff + i·ai + p·ap]. */
    private static void gemm(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int ai,
            int ap,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean acc) {
        int j0 = vector() ? RnnVectorKernels.gemm(m, n, k, a, aOff, ai, ap, b, bOff, ldb, c, cOff, ldc, acc) : 0;
        scalarGemm(m, n, j0, k, a, aOff, ai, ap, b, bOff, ldb, c, cOff, ldc, acc);
    }

    /** The columns j0 ≤ j &lt; n of {@link #gemm}, scalar. */
    private static void scalarGemm(
            int m,
            int n,
            int j0,
            int k,
            float[] a,
            int aOff,
            int ai,
            int ap,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean acc) {
        if (j0 == n) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!acc) {
                for (int j = j0; j < n; j++) {
                    c[ci + j] = 0f;
                }
            }
            for (int p = 0; p < k; p++) {
                float x = a[aOff + i * ai + p * ap];
                int bp = bOff + p * ldb;
                for (int j = j0; j < n; j++) {
                    c[ci + j] += x * b[bp + j];
                }
            }
        }
    }

    /**
     * B [k, n] (row-major from bOff, leading dimension ldb) packed for {@link #gemmPacked} into {@code out} (at least
     * k·n long): column panels of {@link RnnVectorKernels#PANEL} floats where the Vector API runs, nothing otherwise.
     */
    static float[] pack(int k, int n, float[] b, int bOff, int ldb, float[] out) {
        if (vector()) {
            RnnVectorKernels.pack(k, n, b, bOff, ldb, out);
        }
        return out;
    }

    /**
     * {@link #gemm} with B given twice: as {@code packed} by {@link #pack} (same k, n, B) for the columns it covers, and
     * as b, bOff, ldb for the rest. The sums run in the same order as {@link #gemm}'s, so both give the same numbers.
     */
    static void gemmPacked(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            int ap,
            float[] packed,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean acc) {
        if (!vector()) {
            gemm(m, n, k, a, aOff, lda, ap, b, bOff, ldb, c, cOff, ldc, acc);
            return;
        }
        int j0 = RnnVectorKernels.gemmPacked(m, n, k, a, aOff, lda, ap, packed, c, cOff, ldc, acc);
        if (j0 < n) {
            int w = n - j0;
            j0 += RnnVectorKernels.gemm(m, w, k, a, aOff, lda, ap, b, bOff + j0, ldb, c, cOff + j0, ldc, acc);
            scalarGemm(m, n, j0, k, a, aOff, lda, ap, b, bOff, ldb, c, cOff, ldc, acc);
        }
    }

    /**
     * Debug profiling, off by default (-Dsheetlab.rnn.profile=true): the FLOAT passes' time per phase, summed over the
     * JVM's life and printed to standard error at exit ({@link #profileReport}). Off, {@link #now} and {@link #lap}
     * return 0 without reading the clock.
     */
    static final boolean PROFILE = Boolean.getBoolean("sheetlab.rnn.profile");

    private static final java.util.Map<String, long[]> TIMES = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        if (PROFILE) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> System.err.println("rnn profile: " + profileReport())));
        }
    }

    /** With {@link #PROFILE}: adds the time since {@code since} to {@code phase}; returns now. */
    static long lap(String phase, long since) {
        if (!PROFILE) {
            return 0L;
        }
        long now = System.nanoTime();
        TIMES.computeIfAbsent(phase, k -> new long[2])[0] += now - since;
        TIMES.get(phase)[1]++;
        return now;
    }

    static long now() {
        return PROFILE ? System.nanoTime() : 0L;
    }

    /** The phases' totals in ms, and clears them. */
    public static String profileReport() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(TIMES)
                .forEach((k, v) ->
                        sb.append(String.format(java.util.Locale.ROOT, "%s %.1f ms (%d), ", k, v[0] / 1e6, v[1])));
        TIMES.clear();
        return sb.toString();
    }

    static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    static float tanh(float v) {
        double e = Math.exp(-2.0 * Math.abs(v));
        double t = (1.0 - e) / (1.0 + e);
        return (float) (v < 0 ? -t : t);
    }

    /**
     * One LSTM row forward, DL4J's gate order [C̃, f, o, i]: z = pre[po ..] + bias (the products x_t·W + h_{t−1}·RW),
     * gates[go ..] = (tanh, σ, σ, σ)(z), C_t = i ⊙ C̃ + f ⊙ C_{t−1} (cells[cPrev ..]; none when cPrev &lt; 0), and at
     * so: cells = C_t, tanhCells = tanh(C_t), hidden = o ⊙ tanh(C_t). H = h. {@code pre} may be {@code gates} at the
     * same offset (in place): each column's four pre-activations are read before its gates are written.
     */
    static void lstmForwardRow(
            int h,
            float[] pre,
            int po,
            float[] bias,
            float[] cells,
            int cPrev,
            float[] gates,
            int go,
            float[] tanhCells,
            float[] hidden,
            int so) {
        int j0 = vector()
                ? RnnVectorKernels.lstmForwardRow(h, pre, po, bias, cells, cPrev, gates, go, tanhCells, hidden, so)
                : 0;
        for (int j = j0; j < h; j++) {
            float a = tanh(pre[po + j] + bias[j]);
            float f = sigmoid(pre[po + h + j] + bias[h + j]);
            float o = sigmoid(pre[po + 2 * h + j] + bias[2 * h + j]);
            float i = sigmoid(pre[po + 3 * h + j] + bias[3 * h + j]);
            float c = i * a + (cPrev >= 0 ? f * cells[cPrev + j] : 0f);
            float tc = tanh(c);
            gates[go + j] = a;
            gates[go + h + j] = f;
            gates[go + 2 * h + j] = o;
            gates[go + 3 * h + j] = i;
            cells[so + j] = c;
            tanhCells[so + j] = tc;
            hidden[so + j] = o * tc;
        }
    }

    /**
     * One LSTM row backward: δh_t = eps[eo ..] + dhRec[ro ..] (from the output and from step t + 1), δC_t = δh_t ⊙ o
     * ⊙ (1 − tanh²C_t) + dcNext, the pre-activation gradients dz[go ..] in the gate order [C̃, f, o, i], and
     * dcNext[dco ..] = δC_t ⊙ f (for step t − 1). cPrev &lt; 0: C_{t−1} = 0.
     */
    static void lstmBackwardRow(
            int h,
            float[] eps,
            int eo,
            float[] dhRec,
            int ro,
            float[] gates,
            int go,
            float[] cells,
            int cPrev,
            float[] tanhCells,
            int so,
            float[] dcNext,
            int dco,
            float[] dz) {
        int j0 = vector()
                ? RnnVectorKernels.lstmBackwardRow(
                        h, eps, eo, dhRec, ro, gates, go, cells, cPrev, tanhCells, so, dcNext, dco, dz)
                : 0;
        for (int j = j0; j < h; j++) {
            float dht = eps[eo + j] + dhRec[ro + j];
            float a = gates[go + j];
            float f = gates[go + h + j];
            float o = gates[go + 2 * h + j];
            float i = gates[go + 3 * h + j];
            float tc = tanhCells[so + j];
            float dc = dht * o * (1 - tc * tc) + dcNext[dco + j];
            float cp = cPrev >= 0 ? cells[cPrev + j] : 0f;
            dz[go + j] = dc * i * (1 - a * a);
            dz[go + h + j] = dc * cp * (f - f * f);
            dz[go + 2 * h + j] = dht * tc * (o - o * o);
            dz[go + 3 * h + j] = dc * a * (i - i * i);
            dcNext[dco + j] = dc * f;
        }
    }

    /**
     * One GRU row forward, PyTorch's candidate form (resetAfter), gate order [r, z, h̃]: px[xo ..] = x_t·W, ph[ho ..] =
     * h_{t−1}·RW, r = σ(px_r + b_r + ph_r), z = σ(px_z + b_z + ph_z), c = ph_n + b_hn, h̃ = tanh(px_n + b_n + r ⊙ c),
     * h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ (h_{t−1} = prev[pv ..], 0 when pv &lt; 0). Writes gates[go ..] = (r, z, h̃),
     * recN[so ..] = c and hidden[so ..] = h_t.
     */
    static void gruForwardRow(
            int h,
            float[] px,
            int xo,
            float[] ph,
            int ho,
            float[] bias,
            float[] bhn,
            float[] prev,
            int pv,
            float[] gates,
            int go,
            float[] recN,
            float[] hidden,
            int so) {
        int j0 = vector()
                ? RnnVectorKernels.gruForwardRow(h, px, xo, ph, ho, bias, bhn, prev, pv, gates, go, recN, hidden, so)
                : 0;
        for (int j = j0; j < h; j++) {
            float r = sigmoid(px[xo + j] + bias[j] + ph[ho + j]);
            float z = sigmoid(px[xo + h + j] + bias[h + j] + ph[ho + h + j]);
            float c = ph[ho + 2 * h + j] + bhn[j];
            float n = tanh(px[xo + 2 * h + j] + bias[2 * h + j] + r * c);
            float p = pv >= 0 ? prev[pv + j] : 0f;
            gates[go + j] = r;
            gates[go + h + j] = z;
            gates[go + 2 * h + j] = n;
            recN[so + j] = c;
            hidden[so + j] = n + z * (p - n);
        }
    }

    /**
     * One GRU row backward (resetAfter): δh_t = eps[eo ..] + dh[dho ..]; writes the pre-activation gradients dzx[go ..]
     * (of x_t·W + b: r, z, h̃), drec[go ..] (of h_{t−1}·RW + [0, 0, b_hn]: r, z, r ⊙ δh̃) and dh[dho ..] = δh_t ⊙ z,
     * the direct part of δh_{t−1} (the caller adds drec·RWᵀ).
     */
    static void gruBackwardRow(
            int h,
            float[] eps,
            int eo,
            float[] dh,
            int dho,
            float[] gates,
            int go,
            float[] recN,
            int so,
            float[] prev,
            int pv,
            float[] dzx,
            float[] drec) {
        int j0 = vector()
                ? RnnVectorKernels.gruBackwardRow(h, eps, eo, dh, dho, gates, go, recN, so, prev, pv, dzx, drec)
                : 0;
        for (int j = j0; j < h; j++) {
            float dht = eps[eo + j] + dh[dho + j];
            float r = gates[go + j];
            float z = gates[go + h + j];
            float n = gates[go + 2 * h + j];
            float p = pv >= 0 ? prev[pv + j] : 0f;
            float da = dht * (1 - z) * (1 - n * n);
            float dz = dht * (p - n) * (z - z * z);
            float dar = da * recN[so + j] * (r - r * r);
            dzx[go + j] = dar;
            dzx[go + h + j] = dz;
            dzx[go + 2 * h + j] = da;
            drec[go + j] = dar;
            drec[go + h + j] = dz;
            drec[go + 2 * h + j] = da * r;
            dh[dho + j] = dht * z;
        }
    }

    /**
     * The sheet's GRU form, first half of one row forward, gate order [r, z, h̃]: px[xo ..] = x_t·W, ph[ho ..] the first
     * 2H columns of h_{t−1}·RW (RW_rz), r = σ(px_r + b_r + ph_r), z = σ(px_z + b_z + ph_z); writes gates[go ..] = (r, z)
     * and rh[so ..] = r ⊙ h_{t−1} (h_{t−1} = prev[pv ..], 0 when pv &lt; 0), the left operand of the candidate's product.
     */
    static void gruSheetGatesRow(
            int h,
            float[] px,
            int xo,
            float[] ph,
            int ho,
            float[] bias,
            float[] prev,
            int pv,
            float[] gates,
            int go,
            float[] rh,
            int so) {
        int j0 = vector() ? RnnVectorKernels.gruSheetGatesRow(h, px, xo, ph, ho, bias, prev, pv, gates, go, rh, so) : 0;
        for (int j = j0; j < h; j++) {
            float r = sigmoid(px[xo + j] + bias[j] + ph[ho + j]);
            float z = sigmoid(px[xo + h + j] + bias[h + j] + ph[ho + h + j]);
            float p = pv >= 0 ? prev[pv + j] : 0f;
            gates[go + j] = r;
            gates[go + h + j] = z;
            rh[so + j] = r * p;
        }
    }

    /**
     * The sheet's GRU form, second half of one row forward: pc[co ..] = (r ⊙ h_{t−1})·RW_n, h̃ = tanh(px_h̃ + b_h̃ + pc),
     * h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃; writes gates[go + 2H ..] = h̃ and hidden[so ..] = h_t.
     */
    static void gruSheetCandidateRow(
            int h,
            float[] px,
            int xo,
            float[] pc,
            int co,
            float[] bias,
            float[] prev,
            int pv,
            float[] gates,
            int go,
            float[] hidden,
            int so) {
        int j0 = vector()
                ? RnnVectorKernels.gruSheetCandidateRow(h, px, xo, pc, co, bias, prev, pv, gates, go, hidden, so)
                : 0;
        for (int j = j0; j < h; j++) {
            float z = gates[go + h + j];
            float n = tanh(px[xo + 2 * h + j] + bias[2 * h + j] + pc[co + j]);
            float p = pv >= 0 ? prev[pv + j] : 0f;
            gates[go + 2 * h + j] = n;
            hidden[so + j] = n + z * (p - n);
        }
    }

    /**
     * The sheet's GRU form, first half of one row backward: δh_t = eps[eo ..] + dh[dho ..]; writes δa = δh_t ⊙ (1 − z)
     * ⊙ (1 − h̃²) (the candidate's pre-activation) to dzx[go + 2H ..], δz to dzx[go + H ..] and drec[go + H ..], and
     * dh[dho ..] = δh_t ⊙ z. The caller then forms δ(r ⊙ h_{t−1}) = δa·RW_nᵀ for {@link #gruSheetBackwardRowB}.
     */
    static void gruSheetBackwardRowA(
            int h,
            float[] eps,
            int eo,
            float[] dh,
            int dho,
            float[] gates,
            int go,
            float[] prev,
            int pv,
            float[] dzx,
            float[] drec) {
        int j0 = vector()
                ? RnnVectorKernels.gruSheetBackwardRowA(h, eps, eo, dh, dho, gates, go, prev, pv, dzx, drec)
                : 0;
        for (int j = j0; j < h; j++) {
            float dht = eps[eo + j] + dh[dho + j];
            float z = gates[go + h + j];
            float n = gates[go + 2 * h + j];
            float p = pv >= 0 ? prev[pv + j] : 0f;
            float da = dht * (1 - z) * (1 - n * n);
            float dz = dht * (p - n) * (z - z * z);
            dzx[go + h + j] = dz;
            dzx[go + 2 * h + j] = da;
            drec[go + h + j] = dz;
            dh[dho + j] = dht * z;
        }
    }

    /**
     * The sheet's GRU form, second half of one row backward: drh[ro ..] = δ(r ⊙ h_{t−1}); δr = drh ⊙ h_{t−1} ⊙ r(1 − r)
     * to dzx[go ..] and drec[go ..], and dh[dho ..] += drh ⊙ r.
     */
    static void gruSheetBackwardRowB(
            int h,
            float[] drh,
            int ro,
            float[] gates,
            int go,
            float[] prev,
            int pv,
            float[] dh,
            int dho,
            float[] dzx,
            float[] drec) {
        int j0 = vector()
                ? RnnVectorKernels.gruSheetBackwardRowB(h, drh, ro, gates, go, prev, pv, dh, dho, dzx, drec)
                : 0;
        for (int j = j0; j < h; j++) {
            float r = gates[go + j];
            float p = pv >= 0 ? prev[pv + j] : 0f;
            float d = drh[ro + j];
            float dar = d * p * (r - r * r);
            dzx[go + j] = dar;
            drec[go + j] = dar;
            dh[dho + j] += d * r;
        }
    }

    /** Column sums of src [rows, cols] (from offset off) added into out [cols]. */
    static void addRows(float[] src, int off, int rows, int cols, float[] out) {
        int j0 = vector() ? RnnVectorKernels.addRows(src, off, rows, cols, out) : 0;
        for (int row = 0; row < rows; row++) {
            for (int j = j0; j < cols; j++) {
                out[j] += src[off + row * cols + j];
            }
        }
    }

    /** The elements of a FLOAT array in c order into {@code out} (bulk copy; views and other orders through a dup). */
    static void read(INDArray a, float[] out) {
        INDArray c = a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && a.dataType() == DataType.FLOAT
                ? a
                : a.castTo(DataType.FLOAT).dup('c');
        FloatBuffer buf = c.data().asNioFloat();
        buf.position((int) c.offset());
        buf.get(out, 0, (int) c.length());
    }

    /** {@code from[0 .. length)} into the c-order, default-stride FLOAT array {@code a}. */
    static void write(INDArray a, float[] from) {
        FloatBuffer buf = a.data().asNioFloat();
        buf.position((int) a.offset());
        buf.put(from, 0, (int) a.length());
    }

    /** [B, n, T] (NCW, c order) as time-major rows into out: out[(t·B + b)·n + k] = x[(b·n + k)·T + t]. */
    static void timeMajor(float[] x, int b, int n, int steps, float[] out) {
        for (int e = 0; e < b; e++) {
            for (int k = 0; k < n; k++) {
                int src = (e * n + k) * steps;
                for (int t = 0; t < steps; t++) {
                    out[(t * b + e) * n + k] = x[src + t];
                }
            }
        }
    }

    /**
     * A FLOAT [B, n, T] array (any order and strides, e.g. the f-order ε that DL4J's LastTimeStep passes back) as
     * time-major rows: out[(t·B + b)·n + k] = a[b, k, t]. A dense array (no view) is read through its strides with one
     * bulk copy into {@code raw} (at least B·n·T long); others through a c-order copy.
     */
    static void readTimeMajor(INDArray a, int b, int n, int steps, float[] raw, float[] out) {
        int len = b * n * steps;
        if (a.dataType() != DataType.FLOAT || a.offset() != 0 || a.data().length() != len || a.rank() != 3) {
            read(a, raw);
            timeMajor(raw, b, n, steps, out);
            return;
        }
        FloatBuffer buf = a.data().asNioFloat();
        buf.position(0);
        buf.get(raw, 0, len);
        long[] st = a.stride();
        int sb = (int) st[0];
        int sn = (int) st[1];
        int stt = (int) st[2];
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < b; e++) {
                int dst = (t * b + e) * n;
                int src = e * sb + t * stt;
                for (int k = 0; k < n; k++) {
                    out[dst + k] = raw[src + k * sn];
                }
            }
        }
    }

    /** The inverse of {@link #timeMajor}: time-major rows back to [B, n, T]. */
    static void batchMajor(float[] rows, int b, int n, int steps, float[] out) {
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < b; e++) {
                int src = (t * b + e) * n;
                for (int k = 0; k < n; k++) {
                    out[(e * n + k) * steps + t] = rows[src + k];
                }
            }
        }
    }

    /** A heap array of length n: {@code old} when it has that length, else a new one. */
    static float[] sized(float[] old, int n) {
        return old != null && old.length == n ? old : new float[n];
    }

    /** B = Aᵀ for row-major A [rows, cols]: B [cols, rows]. */
    static float[] transpose(float[] a, int rows, int cols, float[] out) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = a[i * cols + j];
            }
        }
        return out;
    }
}

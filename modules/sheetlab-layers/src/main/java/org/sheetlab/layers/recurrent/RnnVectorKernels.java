package org.sheetlab.layers.recurrent;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.sheetlab.core.vector.VectorMath;

/**
 * {@link RnnKernels}' float kernels with the JDK's Vector API (jdk.incubator.vector): the per-step products of the
 * recurrences as register-blocked GEMMs (4 rows × 4 vectors of C per block) and the LSTM and GRU gate arithmetic
 * lane-wise ({@code EXP} and {@code TANH} are intrinsics on x86). Loaded only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} ({@link RnnKernels#VECTOR_API}); otherwise RnnKernels' scalar loops run
 * the same formulas. Each function covers the columns a whole number of vectors wide and leaves the rest (from the
 * returned index) to the scalar loop.
 */
final class RnnVectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private RnnVectorKernels() {}

    /**
     * C[i, j] (+)= Σ_p A[i, p]·B[p, j] for i &lt; m and the first columns j &lt; returned value (a multiple of the
     * vector length); A[i, p] = a[aOff + i·lda + p·ap] (ap = 1: row-major A; lda = 1, ap = its row length: the
     * transpose of a row-major array), B and C row-major with leading dimensions ldb, ldc. The caller finishes the
     * other columns.
     */
    static int gemm(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            int ap,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean acc) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x4(k, a, aOff + i * lda, lda, ap, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, acc);
            }
            for (; i < m; i++) {
                block1x4(k, a, aOff + i * lda, ap, b, bOff + j, ldb, c, cOff + i * ldc + j, acc);
            }
        }
        for (; j + L <= n; j += L) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                int ci = cOff + i * ldc + j;
                FloatVector s = acc ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    s = FloatVector.fromArray(S, b, bOff + p * ldb + j)
                            .fma(FloatVector.broadcast(S, a[ai + p * ap]), s);
                }
                s.intoArray(c, ci);
            }
        }
        return j;
    }

    /** The width of one packed column panel of B ({@link #pack}): four vectors. */
    static final int PANEL = 4 * L;

    /**
     * Packs the first n − n mod {@link #PANEL} columns of row-major B [k, n] (from bOff, leading dimension ldb) into
     * panels: out[(q·k + p)·PANEL + jj] = B[p, q·PANEL + jj], so that {@link #gemmPacked} reads each panel as one
     * contiguous run (a leading dimension of a power of two, like 4H = 512 floats, maps the rows of a column block
     * onto a few L1 sets and evicts them before their reuse). Returns the packed column count.
     */
    static int pack(int k, int n, float[] b, int bOff, int ldb, float[] out) {
        int panels = n / PANEL;
        for (int q = 0; q < panels; q++) {
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, bOff + p * ldb + q * PANEL, out, (q * k + p) * PANEL, PANEL);
            }
        }
        return panels * PANEL;
    }

    /** {@link #gemm} over the packed columns of B ({@link #pack}); returns their count (the caller does the rest). */
    static int gemmPacked(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            int ap,
            float[] packed,
            float[] c,
            int cOff,
            int ldc,
            boolean acc) {
        int panels = n / PANEL;
        for (int q = 0; q < panels; q++) {
            int b0 = q * k * PANEL;
            int j = q * PANEL;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x4(k, a, aOff + i * lda, lda, ap, packed, b0, PANEL, c, cOff + i * ldc + j, ldc, acc);
            }
            for (; i < m; i++) {
                block1x4(k, a, aOff + i * lda, ap, packed, b0, PANEL, c, cOff + i * ldc + j, acc);
            }
        }
        return panels * PANEL;
    }

    private static void block4x4(
            int k,
            float[] a,
            int a0,
            int lda,
            int ap,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            boolean acc) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = acc ? FloatVector.fromArray(S, c, c0) : z;
        FloatVector s01 = acc ? FloatVector.fromArray(S, c, c0 + L) : z;
        FloatVector s02 = acc ? FloatVector.fromArray(S, c, c0 + 2 * L) : z;
        FloatVector s03 = acc ? FloatVector.fromArray(S, c, c0 + 3 * L) : z;
        FloatVector s10 = acc ? FloatVector.fromArray(S, c, c1) : z;
        FloatVector s11 = acc ? FloatVector.fromArray(S, c, c1 + L) : z;
        FloatVector s12 = acc ? FloatVector.fromArray(S, c, c1 + 2 * L) : z;
        FloatVector s13 = acc ? FloatVector.fromArray(S, c, c1 + 3 * L) : z;
        FloatVector s20 = acc ? FloatVector.fromArray(S, c, c2) : z;
        FloatVector s21 = acc ? FloatVector.fromArray(S, c, c2 + L) : z;
        FloatVector s22 = acc ? FloatVector.fromArray(S, c, c2 + 2 * L) : z;
        FloatVector s23 = acc ? FloatVector.fromArray(S, c, c2 + 3 * L) : z;
        FloatVector s30 = acc ? FloatVector.fromArray(S, c, c3) : z;
        FloatVector s31 = acc ? FloatVector.fromArray(S, c, c3 + L) : z;
        FloatVector s32 = acc ? FloatVector.fromArray(S, c, c3 + 2 * L) : z;
        FloatVector s33 = acc ? FloatVector.fromArray(S, c, c3 + 3 * L) : z;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p * ap]);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p * ap]);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p * ap]);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p * ap]);
            s00 = v0.fma(x0, s00);
            s01 = v1.fma(x0, s01);
            s02 = v2.fma(x0, s02);
            s03 = v3.fma(x0, s03);
            s10 = v0.fma(x1, s10);
            s11 = v1.fma(x1, s11);
            s12 = v2.fma(x1, s12);
            s13 = v3.fma(x1, s13);
            s20 = v0.fma(x2, s20);
            s21 = v1.fma(x2, s21);
            s22 = v2.fma(x2, s22);
            s23 = v3.fma(x2, s23);
            s30 = v0.fma(x3, s30);
            s31 = v1.fma(x3, s31);
            s32 = v2.fma(x3, s32);
            s33 = v3.fma(x3, s33);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
    }

    private static void block1x4(
            int k, float[] a, int a0, int ap, float[] b, int b0, int ldb, float[] c, int c0, boolean acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : z;
        FloatVector s1 = acc ? FloatVector.fromArray(S, c, c0 + L) : z;
        FloatVector s2 = acc ? FloatVector.fromArray(S, c, c0 + 2 * L) : z;
        FloatVector s3 = acc ? FloatVector.fromArray(S, c, c0 + 3 * L) : z;
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector x = FloatVector.broadcast(S, a[a0 + p * ap]);
            s0 = FloatVector.fromArray(S, b, bp).fma(x, s0);
            s1 = FloatVector.fromArray(S, b, bp + L).fma(x, s1);
            s2 = FloatVector.fromArray(S, b, bp + 2 * L).fma(x, s2);
            s3 = FloatVector.fromArray(S, b, bp + 3 * L).fma(x, s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
        s2.intoArray(c, c0 + 2 * L);
        s3.intoArray(c, c0 + 3 * L);
    }

    private static FloatVector sigmoid(FloatVector v) {
        return VectorMath.sigmoid(v);
    }

    private static FloatVector tanh(FloatVector v) {
        return VectorMath.tanh(v);
    }

    /** {@link RnnKernels#lstmForwardRow} for the columns below the returned index. */
    static int lstmForwardRow(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector a = tanh(FloatVector.fromArray(S, pre, po + j).add(FloatVector.fromArray(S, bias, j)));
            FloatVector f =
                    sigmoid(FloatVector.fromArray(S, pre, po + h + j).add(FloatVector.fromArray(S, bias, h + j)));
            FloatVector o = sigmoid(
                    FloatVector.fromArray(S, pre, po + 2 * h + j).add(FloatVector.fromArray(S, bias, 2 * h + j)));
            FloatVector i = sigmoid(
                    FloatVector.fromArray(S, pre, po + 3 * h + j).add(FloatVector.fromArray(S, bias, 3 * h + j)));
            FloatVector c = i.mul(a);
            if (cPrev >= 0) {
                c = f.fma(FloatVector.fromArray(S, cells, cPrev + j), c);
            }
            FloatVector tc = tanh(c);
            a.intoArray(gates, go + j);
            f.intoArray(gates, go + h + j);
            o.intoArray(gates, go + 2 * h + j);
            i.intoArray(gates, go + 3 * h + j);
            c.intoArray(cells, so + j);
            tc.intoArray(tanhCells, so + j);
            o.mul(tc).intoArray(hidden, so + j);
        }
        return j;
    }

    /** {@link RnnKernels#lstmBackwardRow} for the columns below the returned index. */
    static int lstmBackwardRow(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector dht = FloatVector.fromArray(S, eps, eo + j).add(FloatVector.fromArray(S, dhRec, ro + j));
            FloatVector a = FloatVector.fromArray(S, gates, go + j);
            FloatVector f = FloatVector.fromArray(S, gates, go + h + j);
            FloatVector o = FloatVector.fromArray(S, gates, go + 2 * h + j);
            FloatVector i = FloatVector.fromArray(S, gates, go + 3 * h + j);
            FloatVector tc = FloatVector.fromArray(S, tanhCells, so + j);
            // dc = dht·o·(1 − tc²) + dcNext
            FloatVector dc = dht.mul(o).mul(tc.neg().fma(tc, ONE)).add(FloatVector.fromArray(S, dcNext, dco + j));
            FloatVector da = dc.mul(i).mul(a.neg().fma(a, ONE));
            FloatVector df = cPrev >= 0
                    ? dc.mul(FloatVector.fromArray(S, cells, cPrev + j)).mul(f.fma(f.neg(), f))
                    : FloatVector.zero(S);
            FloatVector dO = dht.mul(tc).mul(o.fma(o.neg(), o));
            FloatVector di = dc.mul(a).mul(i.fma(i.neg(), i));
            da.intoArray(dz, go + j);
            df.intoArray(dz, go + h + j);
            dO.intoArray(dz, go + 2 * h + j);
            di.intoArray(dz, go + 3 * h + j);
            dc.mul(f).intoArray(dcNext, dco + j);
        }
        return j;
    }

    /** {@link RnnKernels#gruForwardRow} for the columns below the returned index. */
    static int gruForwardRow(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector r = sigmoid(FloatVector.fromArray(S, px, xo + j)
                    .add(FloatVector.fromArray(S, bias, j))
                    .add(FloatVector.fromArray(S, ph, ho + j)));
            FloatVector z = sigmoid(FloatVector.fromArray(S, px, xo + h + j)
                    .add(FloatVector.fromArray(S, bias, h + j))
                    .add(FloatVector.fromArray(S, ph, ho + h + j)));
            FloatVector c = FloatVector.fromArray(S, ph, ho + 2 * h + j).add(FloatVector.fromArray(S, bhn, j));
            FloatVector n = tanh(r.fma(
                    c, FloatVector.fromArray(S, px, xo + 2 * h + j).add(FloatVector.fromArray(S, bias, 2 * h + j))));
            FloatVector p = pv >= 0 ? FloatVector.fromArray(S, prev, pv + j) : FloatVector.zero(S);
            // h = z·prev + (1 − z)·n = n + z·(prev − n)
            FloatVector hv = z.fma(p.sub(n), n);
            r.intoArray(gates, go + j);
            z.intoArray(gates, go + h + j);
            n.intoArray(gates, go + 2 * h + j);
            c.intoArray(recN, so + j);
            hv.intoArray(hidden, so + j);
        }
        return j;
    }

    /** {@link RnnKernels#gruBackwardRow} for the columns below the returned index. */
    static int gruBackwardRow(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector dht = FloatVector.fromArray(S, eps, eo + j).add(FloatVector.fromArray(S, dh, dho + j));
            FloatVector r = FloatVector.fromArray(S, gates, go + j);
            FloatVector z = FloatVector.fromArray(S, gates, go + h + j);
            FloatVector n = FloatVector.fromArray(S, gates, go + 2 * h + j);
            FloatVector p = pv >= 0 ? FloatVector.fromArray(S, prev, pv + j) : FloatVector.zero(S);
            FloatVector da = dht.mul(ONE.sub(z)).mul(n.neg().fma(n, ONE));
            FloatVector dz = dht.mul(p.sub(n)).mul(z.fma(z.neg(), z));
            FloatVector dr = da.mul(FloatVector.fromArray(S, recN, so + j));
            FloatVector dar = dr.mul(r.fma(r.neg(), r));
            dar.intoArray(dzx, go + j);
            dz.intoArray(dzx, go + h + j);
            da.intoArray(dzx, go + 2 * h + j);
            dar.intoArray(drec, go + j);
            dz.intoArray(drec, go + h + j);
            da.mul(r).intoArray(drec, go + 2 * h + j);
            dht.mul(z).intoArray(dh, dho + j); // δh_{t−1} before the recurrent product is added
        }
        return j;
    }

    /** {@link RnnKernels#gruSheetGatesRow} for the columns below the returned index. */
    static int gruSheetGatesRow(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector r = sigmoid(FloatVector.fromArray(S, px, xo + j)
                    .add(FloatVector.fromArray(S, bias, j))
                    .add(FloatVector.fromArray(S, ph, ho + j)));
            FloatVector z = sigmoid(FloatVector.fromArray(S, px, xo + h + j)
                    .add(FloatVector.fromArray(S, bias, h + j))
                    .add(FloatVector.fromArray(S, ph, ho + h + j)));
            FloatVector p = pv >= 0 ? FloatVector.fromArray(S, prev, pv + j) : FloatVector.zero(S);
            r.intoArray(gates, go + j);
            z.intoArray(gates, go + h + j);
            r.mul(p).intoArray(rh, so + j);
        }
        return j;
    }

    /** {@link RnnKernels#gruSheetCandidateRow} for the columns below the returned index. */
    static int gruSheetCandidateRow(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector z = FloatVector.fromArray(S, gates, go + h + j);
            FloatVector n = tanh(FloatVector.fromArray(S, px, xo + 2 * h + j)
                    .add(FloatVector.fromArray(S, bias, 2 * h + j))
                    .add(FloatVector.fromArray(S, pc, co + j)));
            FloatVector p = pv >= 0 ? FloatVector.fromArray(S, prev, pv + j) : FloatVector.zero(S);
            n.intoArray(gates, go + 2 * h + j);
            z.fma(p.sub(n), n).intoArray(hidden, so + j);
        }
        return j;
    }

    /** {@link RnnKernels#gruSheetBackwardRowA} for the columns below the returned index. */
    static int gruSheetBackwardRowA(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector dht = FloatVector.fromArray(S, eps, eo + j).add(FloatVector.fromArray(S, dh, dho + j));
            FloatVector z = FloatVector.fromArray(S, gates, go + h + j);
            FloatVector n = FloatVector.fromArray(S, gates, go + 2 * h + j);
            FloatVector p = pv >= 0 ? FloatVector.fromArray(S, prev, pv + j) : FloatVector.zero(S);
            FloatVector da = dht.mul(ONE.sub(z)).mul(n.neg().fma(n, ONE));
            FloatVector dz = dht.mul(p.sub(n)).mul(z.fma(z.neg(), z));
            dz.intoArray(dzx, go + h + j);
            da.intoArray(dzx, go + 2 * h + j);
            dz.intoArray(drec, go + h + j);
            dht.mul(z).intoArray(dh, dho + j);
        }
        return j;
    }

    /** {@link RnnKernels#gruSheetBackwardRowB} for the columns below the returned index. */
    static int gruSheetBackwardRowB(
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
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector r = FloatVector.fromArray(S, gates, go + j);
            FloatVector p = pv >= 0 ? FloatVector.fromArray(S, prev, pv + j) : FloatVector.zero(S);
            FloatVector d = FloatVector.fromArray(S, drh, ro + j);
            FloatVector dar = d.mul(p).mul(r.fma(r.neg(), r));
            dar.intoArray(dzx, go + j);
            dar.intoArray(drec, go + j);
            d.fma(r, FloatVector.fromArray(S, dh, dho + j)).intoArray(dh, dho + j);
        }
        return j;
    }

    /** out[j] += Σ_rows src[row·cols + j] for the columns below the returned index. */
    static int addRows(float[] src, int off, int rows, int cols, float[] out) {
        int j = 0;
        for (; j + L <= cols; j += L) {
            FloatVector s = FloatVector.fromArray(S, out, j);
            for (int row = 0; row < rows; row++) {
                s = s.add(FloatVector.fromArray(S, src, off + row * cols + j));
            }
            s.intoArray(out, j);
        }
        return j;
    }
}

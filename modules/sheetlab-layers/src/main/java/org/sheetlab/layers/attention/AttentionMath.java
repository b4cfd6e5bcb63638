package org.sheetlab.layers.attention;

/**
 * The attention arithmetic the layer and the vertices share, in double on the heap (sheet, Attention Mechanism):
 * multi-head scaled dot-product attention with a key mask ({@link #attend}, {@link #attendBackward}), used by
 * {@link ScaledDotProductAttentionLayer} (T_q = T_k, one sequence) and {@link CrossAttentionVertex} (two sequences),
 * and the masked row softmax with its backward pass ({@link #softmax}, {@link #softmaxBackward}), used by
 * {@link AttentionContextVertex}.
 *
 * <p>Layouts: rows batch-major, the heads side by side in the columns: q [B·T_q, h·d] (row b·T_q + i, head hh at
 * columns hh·d … hh·d + d − 1), k [B·T_k, h·d], v [B·T_k, h·d_v]; the attention weights a [B, h, T_q, T_k]; the key
 * mask [B·T_k] (0 = padding) or null.
 */
final class AttentionMath {
    private AttentionMath() {}

    /** The weights A [B, h, T_q, T_k] and the per-head outputs O [B·T_q, h·d_v] of one forward pass. */
    record Attended(double[] a, double[] o) {}

    /** The sizes of one attention: B, T_q, T_k, the heads h, the query/key size d and value size d_v per head. */
    record Dims(int b, int tq, int tk, int heads, int d, int dv) {
        int hd() {
            return heads * d;
        }

        int hv() {
            return heads * dv;
        }
    }

    /**
     * A = softmax(Q·Kᵀ/√d) per (example, head) with masked keys at weight 0 (a query with every key masked gets no
     * attention and a zero output), O = A·V.
     */
    static Attended attend(double[] q, double[] k, double[] v, Dims s, double[] keyMask) {
        int b = s.b();
        int tq = s.tq();
        int tk = s.tk();
        int heads = s.heads();
        int d = s.d();
        int dv = s.dv();
        int hd = s.hd();
        int hv = s.hv();
        double scale = 1.0 / Math.sqrt(d);
        double[] a = new double[b * heads * tq * tk];
        double[] o = new double[b * tq * hv];
        for (int e = 0; e < b; e++) {
            for (int hh = 0; hh < heads; hh++) {
                for (int i = 0; i < tq; i++) {
                    int ao = ((e * heads + hh) * tq + i) * tk;
                    int qi = (e * tq + i) * hd + hh * d;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        if (keyMask != null && keyMask[e * tk + j] == 0) {
                            continue;
                        }
                        int kj = (e * tk + j) * hd + hh * d;
                        double sc = 0;
                        for (int c = 0; c < d; c++) {
                            sc += q[qi + c] * k[kj + c];
                        }
                        sc *= scale;
                        a[ao + j] = sc;
                        max = Math.max(max, sc);
                    }
                    if (max == Double.NEGATIVE_INFINITY) {
                        continue; // every key masked: no attention, zero output
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        if (keyMask != null && keyMask[e * tk + j] == 0) {
                            a[ao + j] = 0;
                            continue;
                        }
                        a[ao + j] = Math.exp(a[ao + j] - max);
                        sum += a[ao + j];
                    }
                    int oi = (e * tq + i) * hv + hh * dv;
                    for (int j = 0; j < tk; j++) {
                        a[ao + j] /= sum;
                        double w = a[ao + j];
                        if (w == 0) {
                            continue;
                        }
                        int vj = (e * tk + j) * hv + hh * dv;
                        for (int c = 0; c < dv; c++) {
                            o[oi + c] += w * v[vj + c];
                        }
                    }
                }
            }
        }
        return new Attended(a, o);
    }

    /**
     * The backward pass of {@link #attend} for δO [B·T_q, h·d_v]: δA = δO·Vᵀ, δV = Aᵀ·δO, δS = A ⊙ (δA − rowsum(A ⊙ δA)),
     * δQ = δS·K/√d, δK = δSᵀ·Q/√d. Returns {δQ, δK, δV} in the layouts of q, k, v.
     */
    static double[][] attendBackward(double[] q, double[] k, double[] v, double[] a, double[] dO, Dims s) {
        int b = s.b();
        int tq = s.tq();
        int tk = s.tk();
        int heads = s.heads();
        int d = s.d();
        int dvs = s.dv();
        int hd = s.hd();
        int hv = s.hv();
        double[] dq = new double[b * tq * hd];
        double[] dk = new double[b * tk * hd];
        double[] dv = new double[b * tk * hv];
        double scale = 1.0 / Math.sqrt(d);
        double[] dA = new double[tk];
        for (int e = 0; e < b; e++) {
            for (int hh = 0; hh < heads; hh++) {
                for (int i = 0; i < tq; i++) {
                    int ao = ((e * heads + hh) * tq + i) * tk;
                    int oi = (e * tq + i) * hv + hh * dvs;
                    double dot = 0;
                    for (int j = 0; j < tk; j++) {
                        double w = a[ao + j];
                        int vj = (e * tk + j) * hv + hh * dvs;
                        double sc = 0;
                        for (int c = 0; c < dvs; c++) {
                            sc += dO[oi + c] * v[vj + c];
                            dv[vj + c] += w * dO[oi + c];
                        }
                        dA[j] = sc;
                        dot += w * sc;
                    }
                    int qi = (e * tq + i) * hd + hh * d;
                    for (int j = 0; j < tk; j++) {
                        double ds = a[ao + j] * (dA[j] - dot) * scale;
                        if (ds == 0) {
                            continue;
                        }
                        int kj = (e * tk + j) * hd + hh * d;
                        for (int c = 0; c < d; c++) {
                            dq[qi + c] += ds * k[kj + c];
                            dk[kj + c] += ds * q[qi + c];
                        }
                    }
                }
            }
        }
        return new double[][] {dq, dk, dv};
    }

    /**
     * Row-wise softmax of scores e [rows, T_k] (row r belongs to example r / rowsPerExample): α = softmax over the
     * unmasked keys, 0 at masked keys, and a row of zeros where every key is masked.
     */
    static double[] softmax(double[] e, int rows, int tk, int rowsPerExample, double[] keyMask) {
        double[] al = new double[e.length];
        for (int r = 0; r < rows; r++) {
            int o = r * tk;
            int mo = (r / rowsPerExample) * tk;
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < tk; i++) {
                if (keyMask == null || keyMask[mo + i] != 0) {
                    m = Math.max(m, e[o + i]);
                }
            }
            if (m == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double s = 0;
            for (int i = 0; i < tk; i++) {
                if (keyMask == null || keyMask[mo + i] != 0) {
                    al[o + i] = Math.exp(e[o + i] - m);
                    s += al[o + i];
                }
            }
            for (int i = 0; i < tk; i++) {
                al[o + i] /= s;
            }
        }
        return al;
    }

    /** δe = α ⊙ (δα − Σ_j α_j δα_j) per row (0 at masked keys, where α = 0). */
    static double[] softmaxBackward(double[] al, double[] dAlpha, int rows, int tk) {
        double[] de = new double[al.length];
        for (int r = 0; r < rows; r++) {
            int o = r * tk;
            double dot = 0;
            for (int i = 0; i < tk; i++) {
                dot += al[o + i] * dAlpha[o + i];
            }
            for (int i = 0; i < tk; i++) {
                de[o + i] = al[o + i] * (dAlpha[o + i] - dot);
            }
        }
        return de;
    }
}

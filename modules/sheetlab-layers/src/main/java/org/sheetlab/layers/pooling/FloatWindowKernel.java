package org.sheetlab.layers.pooling;

import java.nio.FloatBuffer;
import org.sheetlab.core.pooling.LogAveragePool;
import org.sheetlab.core.pooling.PPool;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * The FLOAT fast path of {@link WindowPoolingLayer} for the sheet's p-pooling with p = 2 or 3 and log-average pooling
 * (Final Q1), on NCHW input [B, C, H, W] → [B, C, O_h, O_w]. Per (example, channel) plane: the plane is read from the
 * input buffer in one bulk copy, each window's k_h·k_w values are copied into a window-major buffer (direct indexing
 * for windows inside the input, a bounds-checked copy with zeros only for edge windows that reach into the padding),
 * then the reduction runs over the whole plane's windows at once:
 *
 * <ul>
 *   <li>p = 2: s = Σ xᵢ² (in double), y = √s, ∂y/∂xᵢ = xᵢ/y;
 *   <li>p = 3: s = Σ |xᵢ|³ (in double), y = ∛s, ∂y/∂xᵢ = xᵢ|xᵢ|/y²;
 *   <li>log-average: m = max xᵢ, eᵢ = exp(xᵢ − m), y = m + log(Σ eᵢ / n), ∂y/∂xᵢ = eᵢ/Σ eⱼ (the window's softmax),
 *       the exponentials and the windows' logarithms in float with the JDK Vector API ({@link WindowVectorOps}:
 *       polynomials, 16 lanes on AVX-512) or, without {@code --add-modules jdk.incubator.vector}, scalar
 *       {@code Math.exp} and {@code Math.log}.
 * </ul>
 *
 * <p>2×2 windows with stride 2 and no padding (the pooling CNN's) take a specialisation: the four positions of every
 * window go to four arrays of O_h·O_w values ({@link #split2x2}), and each reduction runs over them lane by lane,
 * one pass, with no per-window loop: with the Vector API all in float ({@link WindowVectorOps#p2},
 * {@link WindowVectorOps#p3}, {@link WindowVectorOps#logAverage}; p-pooling only where the window's largest
 * magnitude keeps the float sums exact to rounding, otherwise that vector of windows takes the scalar double
 * arithmetic), without it scalar per window ({@link #p2Window} etc., the general loop's arithmetic). The partials
 * stay in that layout, and the backward pass writes δ·∂y/∂xᵢ straight to each input position ({@link #merge2x2}).
 *
 * The p-pooling sums are taken in double, where Σ|x|³ of any float neither overflows nor underflows, so no rescaling
 * by the window maximum is needed (the general double kernel, {@link PPool}, rescales). The partials are kept in the
 * window-major buffer for the backward pass, a scatter of δ·∂y/∂xᵢ (overlapping windows add up, padded positions
 * receive nothing). Planes are split over {@code HostThreads} by the caller.
 */
final class FloatWindowKernel {
    /** Whether the Vector API is on this JVM's module path; {@code -Dsheetlab.pooling.vectorApi=false} turns it off. */
    static final boolean VECTOR_API =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("sheetlab.pooling.vectorApi"))
                    && WindowVectorOps.usable();

    /** The reductions this kernel computes. */
    enum Kind {
        P2,
        P3,
        LOG_AVERAGE
    }

    /** The kernel's kind for a pooling function, or null where only the general (double) kernel computes it. */
    static Kind kindOf(PoolingFunction f) {
        if (f instanceof PPool p && p.p() == 2) {
            return Kind.P2;
        }
        if (f instanceof PPool p && p.p() == 3) {
            return Kind.P3;
        }
        return f instanceof LogAveragePool ? Kind.LOG_AVERAGE : null;
    }

    private final Kind kind;
    private final boolean vector;
    private final int h;
    private final int w;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int ph;
    private final int pw;
    private final int oh;
    private final int ow;
    private final int n;
    /** Whether the 2×2, stride-2, unpadded specialisation runs (four position arrays, see the class comment). */
    private final boolean twoByTwo;

    /**
     * The geometry of one input shape; {@code vector}: whether the reductions use the Vector API; {@code specialise}:
     * whether 2×2/stride-2 windows without padding take their specialisation (false: the general loop, for tests).
     */
    FloatWindowKernel(
            Kind kind,
            boolean vector,
            boolean specialise,
            int h,
            int w,
            int kh,
            int kw,
            int sh,
            int sw,
            int ph,
            int pw,
            int oh,
            int ow) {
        this.twoByTwo = specialise && kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0;
        this.kind = kind;
        this.vector = vector;
        this.h = h;
        this.w = w;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.ph = ph;
        this.pw = pw;
        this.oh = oh;
        this.ow = ow;
        this.n = kh * kw;
    }

    int planeIn() {
        return h * w;
    }

    int planeOut() {
        return oh * ow;
    }

    int windowSize() {
        return n;
    }

    /** Per-thread scratch: one input plane, one window-major plane (when no partials are kept), sums and outputs. */
    final class Scratch {
        final float[] plane = new float[planeIn()];
        final float[] windows = new float[planeOut() * n];
        final float[] sums = new float[planeOut()];
        final float[] out = new float[planeOut()];
    }

    /**
     * Forward pass over planes [p0, p1): reads plane q at {@code xOffset + q·H·W} of {@code x}, writes y at
     * {@code yOffset + q·O_h·O_w} of {@code y}; with {@code partials} non-null, leaves ∂y/∂xᵢ of plane q's windows
     * at [q·O_h·O_w·n, (q + 1)·O_h·O_w·n) of it (window-major).
     */
    void forward(FloatBuffer x, int xOffset, FloatBuffer y, int yOffset, float[] partials, int p0, int p1) {
        Scratch s = new Scratch();
        int planeIn = planeIn();
        int planeOut = planeOut();
        for (int q = p0; q < p1; q++) {
            x.get(xOffset + q * planeIn, s.plane, 0, planeIn);
            float[] g = partials != null ? partials : s.windows;
            int base = partials != null ? q * planeOut * n : 0;
            if (twoByTwo) {
                split2x2(s.plane, g, base);
                if (vector) {
                    switch (kind) {
                        case P2 -> WindowVectorOps.p2(g, base, planeOut, s.out);
                        case P3 -> WindowVectorOps.p3(g, base, planeOut, s.out);
                        default -> WindowVectorOps.logAverage(g, base, planeOut, s.out);
                    }
                } else {
                    switch (kind) { // one tight loop per kind, no switch per window
                        case P2 -> {
                            for (int o = 0; o < planeOut; o++) {
                                p2Window(g, base + o, planeOut, s.out, o);
                            }
                        }
                        case P3 -> {
                            for (int o = 0; o < planeOut; o++) {
                                p3Window(g, base + o, planeOut, s.out, o);
                            }
                        }
                        default -> {
                            for (int o = 0; o < planeOut; o++) {
                                logAverageWindow(g, base + o, planeOut, s.out, o);
                            }
                        }
                    }
                }
                y.put(yOffset + q * planeOut, s.out, 0, planeOut);
                continue;
            }
            gather(s.plane, g, base);
            switch (kind) {
                case P2 -> p2(g, base, s.out, partials != null);
                case P3 -> p3(g, base, s.out, partials != null);
                default -> logAverage(g, base, s.sums, s.out, partials != null);
            }
            y.put(yOffset + q * planeOut, s.out, 0, planeOut);
        }
    }

    /**
     * Backward pass over planes [p0, p1): dx = Σ over windows of δ·∂y/∂xᵢ, with δ read at {@code dyOffset + q·O_h·O_w}
     * of {@code dy} and dx written at {@code dxOffset + q·H·W} of {@code dx}.
     */
    void backward(FloatBuffer dy, int dyOffset, float[] partials, FloatBuffer dx, int dxOffset, int p0, int p1) {
        int planeIn = planeIn();
        int planeOut = planeOut();
        float[] d = new float[planeOut];
        float[] g = new float[planeIn];
        for (int q = p0; q < p1; q++) {
            dy.get(dyOffset + q * planeOut, d, 0, planeOut);
            if (twoByTwo) {
                merge2x2(d, partials, q * planeOut * n, g);
            } else {
                scatter(d, partials, q * planeOut * n, g);
            }
            dx.put(dxOffset + q * planeIn, g, 0, planeIn);
        }
    }

    /** Whether window row r (column c) lies inside the input, so that it needs no bounds checks. */
    private boolean rowInside(int r) {
        int top = r * sh - ph;
        return top >= 0 && top + kh <= h;
    }

    private boolean colInside(int c) {
        int left = c * sw - pw;
        return left >= 0 && left + kw <= w;
    }

    /** Copies every window of one plane into g[base + o·n + t] (t = i·k_w + j), zeros where padded. */
    void gather(float[] x, float[] g, int base) {
        int k = base;
        for (int r = 0; r < oh; r++) {
            boolean rowIn = rowInside(r);
            int top = r * sh - ph;
            for (int c = 0; c < ow; c++, k += n) {
                int left = c * sw - pw;
                if (rowIn && colInside(c)) {
                    int t = k;
                    for (int i = 0; i < kh; i++) {
                        int from = (top + i) * w + left;
                        for (int j = 0; j < kw; j++) {
                            g[t++] = x[from + j];
                        }
                    }
                } else {
                    int t = k;
                    for (int i = 0; i < kh; i++) {
                        int row = top + i;
                        for (int j = 0; j < kw; j++) {
                            int col = left + j;
                            g[t++] = row >= 0 && row < h && col >= 0 && col < w ? x[row * w + col] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** dx of one plane (overwritten): Σ δ_o·∂y_o/∂xᵢ over the windows o that hold xᵢ. */
    void scatter(float[] d, float[] partials, int base, float[] dx) {
        java.util.Arrays.fill(dx, 0f);
        int k = base;
        int o = 0;
        for (int r = 0; r < oh; r++) {
            boolean rowIn = rowInside(r);
            int top = r * sh - ph;
            for (int c = 0; c < ow; c++, k += n, o++) {
                float v = d[o];
                int left = c * sw - pw;
                if (rowIn && colInside(c)) {
                    int t = k;
                    for (int i = 0; i < kh; i++) {
                        int to = (top + i) * w + left;
                        for (int j = 0; j < kw; j++) {
                            dx[to + j] += v * partials[t++];
                        }
                    }
                } else {
                    int t = k;
                    for (int i = 0; i < kh; i++) {
                        int row = top + i;
                        for (int j = 0; j < kw; j++, t++) {
                            int col = left + j;
                            if (row >= 0 && row < h && col >= 0 && col < w) {
                                dx[row * w + col] += v * partials[t];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The 2×2/stride-2 specialisation's gather: window o = (r, c) of one plane goes to g[base + o] (top left),
     * g[base + P + o] (top right), g[base + 2P + o] (bottom left), g[base + 3P + o] (bottom right), P = O_h·O_w, so
     * that the reductions run over four contiguous arrays, lane by lane (odd maps: the last row or column is in no
     * window).
     */
    void split2x2(float[] x, float[] g, int base) {
        int len = oh * ow;
        int tl = base;
        int tr = base + len;
        int bl = base + 2 * len;
        int br = base + 3 * len;
        for (int r = 0, o = 0; r < oh; r++) {
            int row0 = 2 * r * w;
            int row1 = row0 + w;
            for (int c = 0, j = 0; c < ow; c++, j += 2, o++) {
                g[tl + o] = x[row0 + j];
                g[tr + o] = x[row0 + j + 1];
                g[bl + o] = x[row1 + j];
                g[br + o] = x[row1 + j + 1];
            }
        }
    }

    /** The 2×2/stride-2 specialisation's backward pass: dx of one plane (overwritten) from the four partial arrays. */
    void merge2x2(float[] d, float[] partials, int base, float[] dx) {
        if (2 * oh != h || 2 * ow != w) {
            java.util.Arrays.fill(dx, 0f); // odd sizes: the last row or column belongs to no window
        }
        int len = oh * ow;
        int tl = base;
        int tr = base + len;
        int bl = base + 2 * len;
        int br = base + 3 * len;
        for (int r = 0, o = 0; r < oh; r++) {
            int row0 = 2 * r * w;
            int row1 = row0 + w;
            for (int c = 0, j = 0; c < ow; c++, j += 2, o++) {
                float v = d[o];
                dx[row0 + j] = v * partials[tl + o];
                dx[row0 + j + 1] = v * partials[tr + o];
                dx[row1 + j] = v * partials[bl + o];
                dx[row1 + j + 1] = v * partials[br + o];
            }
        }
    }

    /**
     * One 2×2 window of the specialisation, p = 2, scalar (the general loop's arithmetic): its values at g[k],
     * g[k + len], g[k + 2·len], g[k + 3·len] are replaced by the partials, y[o] is set.
     */
    static void p2Window(float[] g, int k, int len, float[] y, int o) {
        double a = g[k];
        double b = g[k + len];
        double c = g[k + 2 * len];
        double d = g[k + 3 * len];
        double yo = Math.sqrt(a * a + b * b + c * c + d * d);
        y[o] = (float) yo;
        double inv = yo > 0 ? 1 / yo : 0;
        g[k] = (float) (a * inv);
        g[k + len] = (float) (b * inv);
        g[k + 2 * len] = (float) (c * inv);
        g[k + 3 * len] = (float) (d * inv);
    }

    /** As {@link #p2Window} for p = 3. */
    static void p3Window(float[] g, int k, int len, float[] y, int o) {
        double a = g[k];
        double b = g[k + len];
        double c = g[k + 2 * len];
        double d = g[k + 3 * len];
        double aa = Math.abs(a);
        double ab = Math.abs(b);
        double ac = Math.abs(c);
        double ad = Math.abs(d);
        double yo = cbrt(aa * aa * aa + ab * ab * ab + ac * ac * ac + ad * ad * ad);
        y[o] = (float) yo;
        double inv = yo > 0 ? 1 / (yo * yo) : 0;
        g[k] = (float) (a * aa * inv);
        g[k + len] = (float) (b * ab * inv);
        g[k + 2 * len] = (float) (c * ac * inv);
        g[k + 3 * len] = (float) (d * ad * inv);
    }

    /** As {@link #p2Window} for log-average pooling (float, scalar {@code Math.exp} and {@code Math.log}). */
    static void logAverageWindow(float[] g, int k, int len, float[] y, int o) {
        float a = g[k];
        float b = g[k + len];
        float c = g[k + 2 * len];
        float d = g[k + 3 * len];
        float m = Math.max(Math.max(Math.max(a, b), c), d);
        float ea = (float) Math.exp(a - m);
        float eb = (float) Math.exp(b - m);
        float ec = (float) Math.exp(c - m);
        float ed = (float) Math.exp(d - m);
        float s = ea + eb + ec + ed;
        y[o] = m + (float) Math.log(s * 0.25f);
        float inv = 1f / s;
        g[k] = ea * inv;
        g[k + len] = eb * inv;
        g[k + 2 * len] = ec * inv;
        g[k + 3 * len] = ed * inv;
    }

    /** y = √(Σ xᵢ²) per window; with {@code keep}, g becomes xᵢ/y (0 for an all-zero window). */
    private void p2(float[] g, int base, float[] y, boolean keep) {
        int planeOut = planeOut();
        for (int o = 0, k = base; o < planeOut; o++, k += n) {
            double s = 0;
            for (int t = k; t < k + n; t++) {
                double v = g[t];
                s += v * v;
            }
            double yo = Math.sqrt(s);
            y[o] = (float) yo;
            if (keep) {
                double inv = yo > 0 ? 1 / yo : 0;
                for (int t = k; t < k + n; t++) {
                    g[t] = (float) (g[t] * inv);
                }
            }
        }
    }

    /** y = (Σ |xᵢ|³)^(1/3) per window; with {@code keep}, g becomes xᵢ|xᵢ|/y² (0 for an all-zero window). */
    private void p3(float[] g, int base, float[] y, boolean keep) {
        int planeOut = planeOut();
        for (int o = 0, k = base; o < planeOut; o++, k += n) {
            double s = 0;
            for (int t = k; t < k + n; t++) {
                double v = Math.abs(g[t]);
                s += v * v * v;
            }
            double yo = cbrt(s);
            y[o] = (float) yo;
            if (keep) {
                double inv = yo > 0 ? 1 / (yo * yo) : 0;
                for (int t = k; t < k + n; t++) {
                    double v = g[t];
                    g[t] = (float) (v * Math.abs(v) * inv);
                }
            }
        }
    }

    /**
     * ∛s for s ≥ 0 in double (JDK 17's Math.cbrt is a native call): a first guess from the exponent bits (within
     * ≈ 3.2%), then two Halley steps y ← y·(y³ + 2s)/(2y³ + s), each of which cubes the relative error: within
     * 1e-14 of the exact root over the whole range (checked against 40-digit arithmetic), far below float rounding. s is a sum of cubes of floats: 0 or in [1e-135, 1e117], well inside double's
     * normal range.
     */
    static double cbrt(double s) {
        if (s == 0 || !Double.isFinite(s)) {
            return s;
        }
        long bits = Double.doubleToRawLongBits(s);
        double y = Double.longBitsToDouble(bits / 3 + 0x2A9F7893782DA1CEL); // ≈ s^(1/3)
        for (int i = 0; i < 2; i++) {
            double y3 = y * y * y;
            y = y * (y3 + 2 * s) / (2 * y3 + s);
        }
        return y;
    }

    /**
     * y = m + log(Σ exp(xᵢ − m)/n) per window, m its maximum; with {@code keep}, g becomes exp(xᵢ − m)/Σ exp(xⱼ − m).
     * Three passes over the plane's windows: subtract each window's maximum (scalar), exponentiate all of them
     * (vectorised), then sum per window and scale the partials, and take the logarithms of the sums (vectorised).
     */
    private void logAverage(float[] g, int base, float[] sums, float[] y, boolean keep) {
        int planeOut = planeOut();
        int end = base + planeOut * n;
        for (int o = 0, k = base; o < planeOut; o++, k += n) {
            float m = g[k];
            for (int t = k + 1; t < k + n; t++) {
                m = Math.max(m, g[t]);
            }
            y[o] = m;
            for (int t = k; t < k + n; t++) {
                g[t] -= m;
            }
        }
        if (vector) {
            WindowVectorOps.exp(g, base, end);
        } else {
            for (int t = base; t < end; t++) {
                g[t] = (float) Math.exp(g[t]);
            }
        }
        float invN = 1f / n;
        for (int o = 0, k = base; o < planeOut; o++, k += n) {
            float s = 0;
            for (int t = k; t < k + n; t++) {
                s += g[t];
            }
            sums[o] = s * invN;
            if (keep) {
                float inv = 1f / s;
                for (int t = k; t < k + n; t++) {
                    g[t] *= inv;
                }
            }
        }
        if (vector) {
            WindowVectorOps.log(sums, 0, planeOut);
        } else {
            for (int o = 0; o < planeOut; o++) {
                sums[o] = (float) Math.log(sums[o]);
            }
        }
        for (int o = 0; o < planeOut; o++) {
            y[o] += sums[o];
        }
    }
}

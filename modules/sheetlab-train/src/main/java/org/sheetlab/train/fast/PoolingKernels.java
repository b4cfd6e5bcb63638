package org.sheetlab.train.fast;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Max and average pooling over NCHW planes, forward and backward, with libnd4j's arithmetic (its {@code maxpool2d},
 * {@code avgpool2d} and their {@code _bp} ops, which DL4J's SubsamplingLayer runs): window rows [oh·s_h − p_h, … +
 * k_h) and columns likewise, clipped to the image; max: the first largest value in row-major window order (a value
 * replaces the running maximum only when strictly greater; the maximum starts at −MAX_VALUE, so a window of −∞ gives
 * −MAX_VALUE and its first kernel cell; such a window whose first kernel cell is padding is left to libnd4j, below);
 * average: the window's sum in row-major order divided by the cells inside the image
 * ({@code includePad} false, DL4J's default) or by k_h·k_w. Backward: the input gradient starts at zero and each output's
 * gradient is added to its argmax (max) or, divided like the forward sum, to every cell of its window (average), the
 * outputs in row-major order. General scalar loops, and for 2×2, stride-2 FLOAT windows branch-free ones over plain
 * arrays (the max forward pass through {@link VectorPoolingKernels} where the Vector API is present).
 *
 * <p>A NaN anywhere in a plane's windows, or a window of −∞ whose first kernel cell is padding ({@code first}), is
 * reported (the forward returns false) so the caller can leave the pass to libnd4j, whose handling is its own.
 *
 * <p>Geometry: planes [p0, p1) of an input of planes × h × w (offset {@code in0} in its buffer), output planes × oh ×
 * ow.
 */
final class PoolingKernels {
    private PoolingKernels() {}

    /** One pooling's shape: input h × w, output oh × ow, kernel, stride, top-left padding, divisor mode. */
    record Shape(int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw, boolean includePad) {
        int in() {
            return h * w;
        }

        int out() {
            return oh * ow;
        }
    }

    /**
     * Max pooling forward over planes [p0, p1): out and, per output, the input offset of its argmax (relative to
     * {@code in0}) into {@code arg}. Returns false when a window holds a NaN (the outputs are then incomplete).
     */
    static boolean maxForward(FloatBuffer in, int in0, FloatBuffer out, int out0, int[] arg, Shape s, int p0, int p1) {
        boolean clean = true;
        for (int p = p0; p < p1; p++) {
            int ib = p * s.in();
            int ob = p * s.out();
            for (int oh = 0; oh < s.oh(); oh++) {
                int hs = Math.max(0, oh * s.sh() - s.ph());
                int he = Math.min(s.h(), oh * s.sh() - s.ph() + s.kh());
                for (int ow = 0; ow < s.ow(); ow++) {
                    int ws = Math.max(0, ow * s.sw() - s.pw());
                    int we = Math.min(s.w(), ow * s.sw() - s.pw() + s.kw());
                    float m = -Float.MAX_VALUE;
                    int at = first(s, ib, oh, ow);
                    for (int r = hs; r < he; r++) {
                        int row = ib + r * s.w();
                        for (int c = ws; c < we; c++) {
                            float v = in.get(in0 + row + c);
                            if (v > m) {
                                m = v;
                                at = row + c;
                            } else if (v != v) {
                                clean = false;
                            }
                        }
                    }
                    int o = ob + oh * s.ow() + ow;
                    out.put(out0 + o, m);
                    arg[o] = at;
                    clean &= at >= 0;
                }
            }
        }
        return clean;
    }

    /** {@link #maxForward} in double. */
    static boolean maxForward(
            DoubleBuffer in, int in0, DoubleBuffer out, int out0, int[] arg, Shape s, int p0, int p1) {
        boolean clean = true;
        for (int p = p0; p < p1; p++) {
            int ib = p * s.in();
            int ob = p * s.out();
            for (int oh = 0; oh < s.oh(); oh++) {
                int hs = Math.max(0, oh * s.sh() - s.ph());
                int he = Math.min(s.h(), oh * s.sh() - s.ph() + s.kh());
                for (int ow = 0; ow < s.ow(); ow++) {
                    int ws = Math.max(0, ow * s.sw() - s.pw());
                    int we = Math.min(s.w(), ow * s.sw() - s.pw() + s.kw());
                    double m = -Double.MAX_VALUE;
                    int at = first(s, ib, oh, ow);
                    for (int r = hs; r < he; r++) {
                        int row = ib + r * s.w();
                        for (int c = ws; c < we; c++) {
                            double v = in.get(in0 + row + c);
                            if (v > m) {
                                m = v;
                                at = row + c;
                            } else if (v != v) {
                                clean = false;
                            }
                        }
                    }
                    int o = ob + oh * s.ow() + ow;
                    out.put(out0 + o, m);
                    arg[o] = at;
                    clean &= at >= 0;
                }
            }
        }
        return clean;
    }

    /**
     * The argmax of a window where no value exceeds −MAX_VALUE (all −∞): its first kernel cell, or −1 when that cell
     * lies in the padding. There libnd4j's two backward passes differ (its generic code gives the gradient to the first
     * cell inside the image, its oneDNN code, FLOAT on the onednn natives, drops it: both measured), so the forward
     * reports such a window like a NaN and the layer's own op runs.
     */
    private static int first(Shape s, int ib, int oh, int ow) {
        int r = oh * s.sh() - s.ph();
        int c = ow * s.sw() - s.pw();
        return r >= 0 && c >= 0 ? ib + r * s.w() + c : -1;
    }

    /**
     * Max pooling backward over planes [p0, p1) from the forward's argmax: gIn (zero on entry) += gOut at each argmax
     * (none where it is −1), outputs in row-major order.
     */
    static void maxBackward(
            FloatBuffer gOut, int gOut0, FloatBuffer gIn, int gIn0, int[] arg, Shape s, int p0, int p1) {
        for (int o = p0 * s.out(), end = p1 * s.out(); o < end; o++) {
            int a = arg[o];
            if (a >= 0) {
                gIn.put(gIn0 + a, gIn.get(gIn0 + a) + gOut.get(gOut0 + o));
            }
        }
    }

    /** {@link #maxBackward} in double. */
    static void maxBackward(
            DoubleBuffer gOut, int gOut0, DoubleBuffer gIn, int gIn0, int[] arg, Shape s, int p0, int p1) {
        for (int o = p0 * s.out(), end = p1 * s.out(); o < end; o++) {
            int a = arg[o];
            if (a >= 0) {
                gIn.put(gIn0 + a, gIn.get(gIn0 + a) + gOut.get(gOut0 + o));
            }
        }
    }

    /** The divisor of the window [hs, he) × [ws, we): its cells inside the image, or k_h·k_w with includePad. */
    private static int divisor(Shape s, int hs, int he, int ws, int we) {
        return s.includePad() ? s.kh() * s.kw() : (he - hs) * (we - ws);
    }

    /** Average pooling forward over planes [p0, p1); false when a window holds a NaN. */
    static boolean avgForward(FloatBuffer in, int in0, FloatBuffer out, int out0, Shape s, int p0, int p1) {
        boolean clean = true;
        for (int p = p0; p < p1; p++) {
            int ib = in0 + p * s.in();
            int ob = out0 + p * s.out();
            for (int oh = 0; oh < s.oh(); oh++) {
                int hs = Math.max(0, oh * s.sh() - s.ph());
                int he = Math.min(s.h(), oh * s.sh() - s.ph() + s.kh());
                for (int ow = 0; ow < s.ow(); ow++) {
                    int ws = Math.max(0, ow * s.sw() - s.pw());
                    int we = Math.min(s.w(), ow * s.sw() - s.pw() + s.kw());
                    float sum = 0f;
                    for (int r = hs; r < he; r++) {
                        int row = ib + r * s.w();
                        for (int c = ws; c < we; c++) {
                            sum += in.get(row + c);
                        }
                    }
                    clean &= sum == sum;
                    out.put(ob + oh * s.ow() + ow, sum / divisor(s, hs, he, ws, we));
                }
            }
        }
        return clean;
    }

    /** {@link #avgForward} in double. */
    static boolean avgForward(DoubleBuffer in, int in0, DoubleBuffer out, int out0, Shape s, int p0, int p1) {
        boolean clean = true;
        for (int p = p0; p < p1; p++) {
            int ib = in0 + p * s.in();
            int ob = out0 + p * s.out();
            for (int oh = 0; oh < s.oh(); oh++) {
                int hs = Math.max(0, oh * s.sh() - s.ph());
                int he = Math.min(s.h(), oh * s.sh() - s.ph() + s.kh());
                for (int ow = 0; ow < s.ow(); ow++) {
                    int ws = Math.max(0, ow * s.sw() - s.pw());
                    int we = Math.min(s.w(), ow * s.sw() - s.pw() + s.kw());
                    double sum = 0;
                    for (int r = hs; r < he; r++) {
                        int row = ib + r * s.w();
                        for (int c = ws; c < we; c++) {
                            sum += in.get(row + c);
                        }
                    }
                    clean &= sum == sum;
                    out.put(ob + oh * s.ow() + ow, sum / divisor(s, hs, he, ws, we));
                }
            }
        }
        return clean;
    }

    /** Average pooling backward over planes [p0, p1): gIn (zero on entry) += gOut / divisor over each window. */
    static void avgBackward(FloatBuffer gOut, int gOut0, FloatBuffer gIn, int gIn0, Shape s, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int ib = gIn0 + p * s.in();
            int ob = gOut0 + p * s.out();
            for (int oh = 0; oh < s.oh(); oh++) {
                int hs = Math.max(0, oh * s.sh() - s.ph());
                int he = Math.min(s.h(), oh * s.sh() - s.ph() + s.kh());
                for (int ow = 0; ow < s.ow(); ow++) {
                    int ws = Math.max(0, ow * s.sw() - s.pw());
                    int we = Math.min(s.w(), ow * s.sw() - s.pw() + s.kw());
                    float g = gOut.get(ob + oh * s.ow() + ow) / divisor(s, hs, he, ws, we);
                    for (int r = hs; r < he; r++) {
                        int row = ib + r * s.w();
                        for (int c = ws; c < we; c++) {
                            gIn.put(row + c, gIn.get(row + c) + g);
                        }
                    }
                }
            }
        }
    }

    /** {@link #avgBackward} in double. */
    static void avgBackward(DoubleBuffer gOut, int gOut0, DoubleBuffer gIn, int gIn0, Shape s, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int ib = gIn0 + p * s.in();
            int ob = gOut0 + p * s.out();
            for (int oh = 0; oh < s.oh(); oh++) {
                int hs = Math.max(0, oh * s.sh() - s.ph());
                int he = Math.min(s.h(), oh * s.sh() - s.ph() + s.kh());
                for (int ow = 0; ow < s.ow(); ow++) {
                    int ws = Math.max(0, ow * s.sw() - s.pw());
                    int we = Math.min(s.w(), ow * s.sw() - s.pw() + s.kw());
                    double g = gOut.get(ob + oh * s.ow() + ow) / divisor(s, hs, he, ws, we);
                    for (int r = hs; r < he; r++) {
                        int row = ib + r * s.w();
                        for (int c = ws; c < we; c++) {
                            gIn.put(row + c, gIn.get(row + c) + g);
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether the 2×2, stride-2 FLOAT kernels below take the shape: no padding, every window inside the image (the
     * sheet CNN's and the GAN's poolings). They give the same bits as the general ones, branch-free over plain arrays.
     */
    static boolean twoByTwo(Shape s) {
        return s.kh() == 2
                && s.kw() == 2
                && s.sh() == 2
                && s.sw() == 2
                && s.ph() == 0
                && s.pw() == 0
                && 2 * s.oh() <= s.h()
                && 2 * s.ow() <= s.w();
    }

    /**
     * An int whose signed order is the float order of v (not NaN), −0 and +0 equal: the bits of v + 0 (which makes −0
     * +0), the magnitude bits flipped for negatives.
     */
    private static int key(float v) {
        int bits = Float.floatToRawIntBits(v + 0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** 1 when x > y, else 0, without a branch. */
    private static int greater(int x, int y) {
        return (int) (((long) y - x) >>> 63);
    }

    /** Whether {@link #maxForward2x2} runs {@link VectorPoolingKernels} ({@code -Dsheetlab.fast.vectorPooling=false}: not). */
    static final boolean VECTOR_POOLING = UpdaterKernels.VECTOR_API
            && !"false".equals(System.getProperty("sheetlab.fast.vectorPooling"))
            && VectorPoolingKernels.usable();

    /** {@link #maxForward} for {@link #twoByTwo} shapes: the Vector API over whole vectors of windows, then scalar. */
    static boolean maxForward2x2(
            FloatBuffer in, int in0, FloatBuffer out, int out0, int[] arg, Shape s, int p0, int p1) {
        int h = s.h();
        int w = s.w();
        int oh = s.oh();
        int ow = s.ow();
        int n = oh * ow;
        float[] x = new float[h * w];
        float[] y = new float[n];
        int[] corner = new int[n];
        for (int o = 0; o < n; o++) {
            corner[o] = 2 * (o / ow) * w + 2 * (o % ow);
        }
        boolean[] nan = new boolean[1];
        for (int p = p0; p < p1; p++) {
            int ib = p * h * w;
            int ob = p * n;
            in.get(in0 + ib, x, 0, h * w);
            int done = VECTOR_POOLING ? VectorPoolingKernels.max2x2(x, w, corner, n, y, arg, ob, ib, nan) : 0;
            for (int o = done; o < n; o++) {
                int c0 = corner[o];
                float a = x[c0];
                float b = x[c0 + 1];
                float c = x[c0 + w];
                float d = x[c0 + w + 1];
                nan[0] |= a != a | b != b | c != c | d != d;
                // the first largest value, as libnd4j's running maximum (replaced only by a strictly greater
                // value) finds it: the first of each row pair, then the bottom one only if strictly greater.
                // Branch-free on order-preserving integer keys (C2 compiled the float comparisons to branches,
                // which random data mispredicts: 2 ms per pass for the sheet CNN's first pooling)
                int ka = key(a);
                int kb = key(b);
                int kc = key(c);
                int kd = key(d);
                int gb = greater(kb, ka);
                int gd = greater(kd, kc);
                int upperAt = c0 + gb;
                int bottomAt = c0 + w + gd;
                int ku = ka ^ ((ka ^ kb) & -gb);
                int kl = kc ^ ((kc ^ kd) & -gd);
                int at = upperAt ^ ((upperAt ^ bottomAt) & -greater(kl, ku));
                float m = x[at];
                // libnd4j's maximum starts at −MAX_VALUE: a window of values ≤ −MAX_VALUE gives it, and its first
                // cell
                boolean low = !(m > -Float.MAX_VALUE);
                m = low ? -Float.MAX_VALUE : m;
                at = low ? c0 : at;
                y[o] = m;
                arg[ob + o] = ib + at;
            }
            out.put(out0 + ob, y, 0, n);
        }
        return !nan[0];
    }

    /**
     * {@link #maxBackward} for {@link #twoByTwo} shapes: writes every input cell (0 + g at the argmax, 0 elsewhere,
     * the cells no window covers included), so gIn need not be zero on entry.
     */
    static void maxBackward2x2(
            FloatBuffer gOut, int gOut0, FloatBuffer gIn, int gIn0, int[] arg, Shape s, int p0, int p1) {
        int h = s.h();
        int w = s.w();
        int oh = s.oh();
        int ow = s.ow();
        float[] x = new float[h * w];
        float[] y = new float[oh * ow];
        for (int p = p0; p < p1; p++) {
            int ib = p * h * w;
            int ob = p * oh * ow;
            gOut.get(gOut0 + ob, y, 0, oh * ow);
            java.util.Arrays.fill(x, 0f);
            for (int o = 0; o < oh * ow; o++) {
                x[arg[ob + o] - ib] = 0f + y[o];
            }
            gIn.put(gIn0 + ib, x, 0, h * w);
        }
    }

    /** {@link #avgForward} for {@link #twoByTwo} shapes. */
    static boolean avgForward2x2(FloatBuffer in, int in0, FloatBuffer out, int out0, Shape s, int p0, int p1) {
        int h = s.h();
        int w = s.w();
        int oh = s.oh();
        int ow = s.ow();
        float[] x = new float[h * w];
        float[] y = new float[oh * ow];
        boolean nan = false;
        for (int p = p0; p < p1; p++) {
            int ib = p * h * w;
            int ob = p * oh * ow;
            in.get(in0 + ib, x, 0, h * w);
            for (int r = 0; r < oh; r++) {
                int top = 2 * r * w;
                for (int q = 0; q < ow; q++) {
                    int c0 = top + 2 * q;
                    float sum = 0f + x[c0];
                    sum += x[c0 + 1];
                    sum += x[c0 + w];
                    sum += x[c0 + w + 1];
                    nan |= sum != sum;
                    y[r * ow + q] = sum / 4;
                }
            }
            out.put(out0 + ob, y, 0, oh * ow);
        }
        return !nan;
    }

    /** {@link #avgBackward} for {@link #twoByTwo} shapes: writes every input cell, as {@link #maxBackward2x2}. */
    static void avgBackward2x2(FloatBuffer gOut, int gOut0, FloatBuffer gIn, int gIn0, Shape s, int p0, int p1) {
        int h = s.h();
        int w = s.w();
        int oh = s.oh();
        int ow = s.ow();
        float[] x = new float[h * w];
        float[] y = new float[oh * ow];
        for (int p = p0; p < p1; p++) {
            int ib = p * h * w;
            int ob = p * oh * ow;
            gOut.get(gOut0 + ob, y, 0, oh * ow);
            if (2 * oh != h || 2 * ow != w) {
                java.util.Arrays.fill(x, 0f);
            }
            for (int r = 0; r < oh; r++) {
                int top = 2 * r * w;
                for (int q = 0; q < ow; q++) {
                    int c0 = top + 2 * q;
                    float g = 0f + y[r * ow + q] / 4;
                    x[c0] = g;
                    x[c0 + 1] = g;
                    x[c0 + w] = g;
                    x[c0 + w + 1] = g;
                }
            }
            gIn.put(gIn0 + ib, x, 0, h * w);
        }
    }
}

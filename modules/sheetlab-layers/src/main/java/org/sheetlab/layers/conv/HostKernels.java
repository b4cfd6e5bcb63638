package org.sheetlab.layers.conv;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The host loops of {@link FastConvolutionLayer}, specialised for FLOAT and DOUBLE (one instance per layer, holding
 * reused heap scratch arrays). Arrays passed in are c-order with default strides; results are written into
 * preallocated ND4J arrays of the same data type.
 *
 * <p>Index map: for output position p (row-major over O_h × O_w) and im2col column k = (c, i, j), {@code map[p·K + k]}
 * is the offset of the input element in one example's [C, H, W] block, or −1 where the window covers padding.
 *
 * <p>Why two copies ({@link Floats}, {@link Doubles}) of the same loops: Java generics do not reach primitive
 * arrays, and the one-source alternative, the double loops fed by converting FLOAT data to and from double on the heap
 * (as {@code HostArrays} does for the recurrent and attention layers), was measurably slower on the hot path: im2col
 * of the sheet CNN's second layer at batch 64 (cols [4096, 400], JDK 17, this 2-core machine, 40 calls after warm-up,
 * 3 rounds) took 1.54–1.94 ms with the float loop and 2.43–3.14 ms through double, about 1.6× (2026-12-04). The
 * conversion doubles the memory traffic of loops that only move data. So the duplication stays, kept line for line
 * parallel: a change to one class must be made to the other.
 */
abstract sealed class HostKernels {
    /**
     * Whether {@link ConvVectorOps} runs: the Vector API is on this JVM's module path ({@code --add-modules
     * jdk.incubator.vector}) and {@code -Dsheetlab.conv.vectorApi=false} does not turn it off. Kept here, not in
     * ConvVectorOps: touching that class loads the Vector API's classes, a NoClassDefFoundError without the module.
     */
    static final boolean VECTOR_API =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("sheetlab.conv.vectorApi"));

    static HostKernels of(DataType type) {
        return type == DataType.DOUBLE ? new Doubles() : new Floats();
    }

    /*
     * Each method handles the examples [e0, e1) of the batch only, so that several threads (each with its own instance)
     * can share one call. block = C·H·W, the elements of one input example.
     */

    /** cols[b·P + p, k] = x[b, map[p·K + k]], 0 where padded. {@code x}: [B, C, H, W]; {@code cols}: [B·P, K]. */
    abstract void im2col(INDArray x, int[] map, int block, int e0, int e1, INDArray cols);

    /**
     * The inverse of an index map as {start, cells}: the im2col cells (p·K + k, ascending) that hold input offset s
     * are {@code cells[start[s] .. start[s + 1])}.
     */
    static int[][] invert(int[] map, int block) {
        int[] start = new int[block + 1];
        for (int s : map) {
            if (s >= 0) {
                start[s + 1]++;
            }
        }
        for (int s = 0; s < block; s++) {
            start[s + 1] += start[s];
        }
        int[] cells = new int[start[block]];
        int[] next = java.util.Arrays.copyOf(start, block);
        for (int j = 0; j < map.length; j++) {
            if (map[j] >= 0) {
                cells[next[map[j]]++] = j;
            }
        }
        return new int[][] {start, cells};
    }

    /**
     * dx[b, s] = Σ dcols[b·P + p, k] over the cells (p, k) holding input offset s, summed in ascending cell order (a
     * gather over {@link #invert}'s lists; {@code pk} = P·K); {@code dx} is shaped like the input.
     */
    abstract void col2im(INDArray dcols, int[][] inverse, int pk, int e0, int e1, INDArray dx);

    /** out[b, f, p] = z[b·P + p, f] + bias[f] (bias may be null): the GEMM's [B·P, F] result as NCHW. */
    abstract void toChannelsFirst(INDArray z, INDArray bias, int positions, int channels, int e0, int e1, INDArray out);

    /** out[b·P + p, f] = d[b, f, p]: an NCHW gradient as the [B·P, F] matrix the GEMMs take. */
    abstract void toChannelsLast(INDArray d, int positions, int channels, int e0, int e1, INDArray out);

    /**
     * out[f, b·P + p] = δ[b, f, p] for the examples b in [e0, e1): the gradient δ [B, F, P] as the channel-major
     * matrix [F, B·P] ({@code batch} = B) that the weight-gradient product takes without a transpose. With {@code z}
     * given, δ = (z &gt; 0 ? d : 0) (the ReLU's backward pass, as {@link #reluBackward}), else δ = d.
     */
    abstract void toChannelsMajor(
            INDArray z,
            INDArray d,
            int positions,
            int channels,
            int batch,
            int e0,
            int e1,
            INDArray out,
            INDArray sums);

    /**
     * colsT[k, b·P + p] = x[b, map[p·K + k]] (0 where padded) for the examples b in [e0, e1): the im2col matrix
     * transposed, [K, B·P] ({@code batch} = B), from the transposed index map {@code mapT[k·P + p] = map[p·K + k]}.
     */
    abstract void im2colT(
            INDArray x, int[] mapT, int[] runs, int positions, int block, int batch, int e0, int e1, INDArray colsT);

    /**
     * For each column k and output row r of a transposed map over {@code outRows} × {@code outCols} positions: the
     * input offset where the row's cells are one contiguous run (stride 1, no padding: {@link #im2colT} copies it with
     * one arraycopy), else −1 (gathered cell by cell).
     */
    static int[] runs(int[] mapT, int outRows, int outCols) {
        int positions = outRows * outCols;
        int k = mapT.length / positions;
        int[] runs = new int[k * outRows];
        for (int j = 0; j < k; j++) {
            for (int r = 0; r < outRows; r++) {
                int m = j * positions + r * outCols;
                int start = mapT[m];
                boolean run = start >= 0;
                for (int q = 1; run && q < outCols; q++) {
                    run = mapT[m + q] == start + q;
                }
                runs[j * outRows + r] = run ? start : -1;
            }
        }
        return runs;
    }

    /**
     * out[b, f, p] = zm[f, b·P + p] + bias[f] (bias may be null) for the examples b in [e0, e1): the channel-major
     * product [F, B·P] ({@code batch} = B) as NCHW; the same values into {@code copy} too where it is not null.
     */
    abstract void fromChannelsMajor(
            INDArray zm,
            INDArray bias,
            int positions,
            int channels,
            int batch,
            int e0,
            int e1,
            INDArray out,
            INDArray copy);

    /** The transposed index map (see {@link #im2colT}) of {@code map}. */
    static int[] transpose(int[] map, int positions) {
        int k = map.length / positions;
        int[] t = new int[map.length];
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < k; j++) {
                t[j * positions + p] = map[p * k + j];
            }
        }
        return t;
    }

    /**
     * sums[f] = Σ d[b, f, p] over the examples b in [e0, e1) and all positions: the bias gradient's share of a part of
     * the batch, summed exactly as {@link #toChannelsMajor} sums it ({@link #SUM_LANES}), so that the full backward
     * pass (fit) and the weights-only one (the fast step) give the same bias gradient bits.
     */
    abstract void channelSums(INDArray d, int positions, int channels, int e0, int e1, INDArray sums);

    /** Lanes of the channel sums in {@link #toChannelsMajor}: independent partial sums, added in a fixed order. */
    static final int SUM_LANES = 8;

    /**
     * out[i] = z[i] &gt; 0 ? eps[i] : 0 for the elements [from, from + n) of the three arrays (buffer order): the
     * ReLU's backward pass as DL4J's {@code ActivationReLU} computes it (its relu_bp op), in one pass over heap copies.
     */
    abstract void reluBackward(INDArray z, INDArray eps, long from, int n, INDArray out);

    /**
     * All ones where z &gt; 0 is false (z ≤ 0, −0, NaN), else 0, without a branch (a branch on random signs is
     * mispredicted half the time): z &gt; 0 exactly when its bits, as a signed int, lie in [1, bits(+∞)].
     */
    static int notPositive(float z) {
        int b = Float.floatToRawIntBits(z);
        return ((b - 1) | (0x7F800000 - b)) >> 31;
    }

    /** {@link #notPositive(float)} for double: bits in [1, bits(+∞)] as a signed long. */
    static long notPositive(double z) {
        long b = Double.doubleToRawLongBits(z);
        return ((b - 1) | (0x7FF0000000000000L - b)) >> 63;
    }

    static final class Floats extends HostKernels {
        private float[] a = new float[0];
        private float[] b = new float[0];
        /** Whether the layout kernels run on the off-heap buffers ({@link ConvVectorOps}) where they can. */
        private final boolean direct;

        Floats() {
            this(VECTOR_API);
        }

        /** {@code direct}: the off-heap kernels (needs the Vector API); false: the heap copies and scalar loops. */
        Floats(boolean direct) {
            this.direct = direct && VECTOR_API;
        }

        /** Elements [from, from + n) of {@code x} (buffer order) in the reused heap array {@code a}. */
        private float[] read(INDArray x, long from, int n) {
            if (a.length < n) {
                a = new float[n];
            }
            FloatBuffer buf = x.data().asNioFloat();
            buf.position((int) (x.offset() + from));
            buf.get(a, 0, n);
            return a;
        }

        private float[] scratch(int n) {
            if (b.length < n) {
                b = new float[n];
            }
            return b;
        }

        private static void write(INDArray x, long from, float[] src, int n) {
            FloatBuffer buf = x.data().asNioFloat();
            buf.position((int) (x.offset() + from));
            buf.put(src, 0, n);
        }

        @Override
        void im2col(INDArray x, int[] map, int block, int e0, int e1, INDArray cols) {
            int pk = map.length;
            float[] src = read(x, (long) e0 * block, (e1 - e0) * block);
            float[] dst = scratch((e1 - e0) * pk);
            for (int e = 0; e < e1 - e0; e++) {
                int base = e * block;
                int o = e * pk;
                for (int j = 0; j < pk; j++) {
                    int s = map[j];
                    dst[o + j] = s < 0 ? 0f : src[base + s];
                }
            }
            write(cols, (long) e0 * pk, dst, (e1 - e0) * pk);
        }

        @Override
        void col2im(INDArray dcols, int[][] inverse, int pk, int e0, int e1, INDArray dx) {
            int[] start = inverse[0];
            int[] cells = inverse[1];
            int block = start.length - 1;
            float[] src = read(dcols, (long) e0 * pk, (e1 - e0) * pk);
            int n = (e1 - e0) * block;
            float[] dst = scratch(n);
            for (int e = 0; e < e1 - e0; e++) {
                int base = e * block;
                int o = e * pk;
                for (int s = 0; s < block; s++) {
                    float acc = 0f;
                    for (int q = start[s]; q < start[s + 1]; q++) {
                        acc += src[o + cells[q]];
                    }
                    dst[base + s] = acc;
                }
            }
            write(dx, (long) e0 * block, dst, n);
        }

        @Override
        void toChannelsFirst(INDArray z, INDArray bias, int positions, int channels, int e0, int e1, INDArray out) {
            int per = positions * channels;
            float[] bs = new float[channels];
            if (bias != null) {
                System.arraycopy(read(bias, 0, channels), 0, bs, 0, channels);
            }
            float[] src = read(z, (long) e0 * per, (e1 - e0) * per);
            float[] dst = scratch((e1 - e0) * per);
            for (int e = 0; e < e1 - e0; e++) {
                int in = e * per;
                for (int f = 0; f < channels; f++) {
                    float bf = bs[f];
                    int o = in + f * positions;
                    for (int p = 0; p < positions; p++) {
                        dst[o + p] = src[in + p * channels + f] + bf;
                    }
                }
            }
            write(out, (long) e0 * per, dst, (e1 - e0) * per);
        }

        @Override
        void toChannelsLast(INDArray d, int positions, int channels, int e0, int e1, INDArray out) {
            int per = positions * channels;
            float[] src = read(d, (long) e0 * per, (e1 - e0) * per);
            float[] dst = scratch((e1 - e0) * per);
            for (int e = 0; e < e1 - e0; e++) {
                int o = e * per;
                for (int f = 0; f < channels; f++) {
                    int in = o + f * positions;
                    for (int p = 0; p < positions; p++) {
                        dst[o + p * channels + f] = src[in + p];
                    }
                }
            }
            write(out, (long) e0 * per, dst, (e1 - e0) * per);
        }

        @Override
        void toChannelsMajor(
                INDArray z,
                INDArray d,
                int positions,
                int channels,
                int batch,
                int e0,
                int e1,
                INDArray out,
                INDArray sums) {
            if (direct && positions % SUM_LANES == 0 && ConvVectorOps.direct(z, d, out, sums)) {
                ConvVectorOps.toChannelsMajor(z, d, positions, channels, batch, e0, e1, out, sums);
                return;
            }
            int per = positions * channels;
            int n = (e1 - e0) * per;
            float[] es = scratch(n);
            FloatBuffer eb = d.data().asNioFloat();
            eb.position((int) (d.offset() + (long) e0 * per));
            eb.get(es, 0, n);
            if (z != null) {
                float[] zs = read(z, (long) e0 * per, n);
                if (VECTOR_API) {
                    ConvVectorOps.reluBackward(zs, es, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        es[i] = Float.intBitsToFloat(Float.floatToRawIntBits(es[i]) & ~notPositive(zs[i]));
                    }
                }
            }
            FloatBuffer ob = out.data().asNioFloat();
            long row = (long) batch * positions;
            for (int f = 0; f < channels; f++) {
                ob.position((int) (out.offset() + f * row + (long) e0 * positions));
                for (int e = 0; e < e1 - e0; e++) {
                    ob.put(es, e * per + f * positions, positions);
                }
            }
            if (sums != null) {
                write(sums, 0, laneSums(es, e1 - e0, positions, channels), channels);
            }
        }

        @Override
        void channelSums(INDArray d, int positions, int channels, int e0, int e1, INDArray sums) {
            int per = positions * channels;
            int n = (e1 - e0) * per;
            float[] es = read(d, (long) e0 * per, n);
            write(sums, 0, laneSums(es, e1 - e0, positions, channels), channels);
        }

        /** Σ over the examples and positions of es [ne, F, P] per channel, in {@link #SUM_LANES} lanes. */
        private static float[] laneSums(float[] es, int ne, int positions, int channels) {
            int per = positions * channels;
            float[] total = new float[channels];
            float[] lane = new float[SUM_LANES];
            for (int f = 0; f < channels; f++) {
                java.util.Arrays.fill(lane, 0f);
                for (int e = 0; e < ne; e++) {
                    int o = e * per + f * positions;
                    int p = 0;
                    for (; p + SUM_LANES <= positions; p += SUM_LANES) {
                        for (int l = 0; l < SUM_LANES; l++) {
                            lane[l] += es[o + p + l];
                        }
                    }
                    for (; p < positions; p++) {
                        lane[p % SUM_LANES] += es[o + p];
                    }
                }
                float t = 0f;
                for (int l = 0; l < SUM_LANES; l++) {
                    t += lane[l];
                }
                total[f] = t;
            }
            return total;
        }

        @Override
        void fromChannelsMajor(
                INDArray zm,
                INDArray bias,
                int positions,
                int channels,
                int batch,
                int e0,
                int e1,
                INDArray out,
                INDArray copy) {
            int per = positions * channels;
            int ne = e1 - e0;
            int cols = ne * positions;
            float[] bs = new float[channels];
            if (bias != null) {
                System.arraycopy(read(bias, 0, channels), 0, bs, 0, channels);
            }
            if (direct && ConvVectorOps.direct(zm, out, copy)) {
                ConvVectorOps.fromChannelsMajor(zm, bs, positions, channels, batch, e0, e1, out, copy);
                return;
            }
            float[] src = scratch(channels * cols);
            FloatBuffer ib = zm.data().asNioFloat();
            long row = (long) batch * positions;
            for (int f = 0; f < channels; f++) {
                ib.position((int) (zm.offset() + f * row + (long) e0 * positions));
                ib.get(src, f * cols, cols);
            }
            if (a.length < ne * per) {
                a = new float[ne * per];
            }
            float[] dst = a; // bs holds the bias: a is free
            for (int e = 0; e < ne; e++) {
                for (int f = 0; f < channels; f++) {
                    float bf = bs[f];
                    int i = f * cols + e * positions;
                    int o = e * per + f * positions;
                    for (int p = 0; p < positions; p++) {
                        dst[o + p] = src[i + p] + bf;
                    }
                }
            }
            write(out, (long) e0 * per, dst, ne * per);
            if (copy != null) {
                write(copy, (long) e0 * per, dst, ne * per);
            }
        }

        @Override
        void im2colT(
                INDArray x,
                int[] mapT,
                int[] runs,
                int positions,
                int block,
                int batch,
                int e0,
                int e1,
                INDArray colsT) {
            if (direct && ConvVectorOps.direct(x, colsT)) {
                ConvVectorOps.im2colT(x, mapT, runs, positions, block, batch, e0, e1, colsT);
                return;
            }
            int k = mapT.length / positions;
            int rows = runs.length / k;
            int width = positions / rows;
            int ne = e1 - e0;
            int cols = ne * positions;
            float[] src = read(x, (long) e0 * block, ne * block);
            float[] dst = scratch(k * cols);
            for (int j = 0; j < k; j++) {
                int m = j * positions;
                for (int e = 0; e < ne; e++) {
                    int base = e * block;
                    int o = j * cols + e * positions;
                    for (int r = 0; r < rows; r++) {
                        int run = runs[j * rows + r];
                        int q0 = r * width;
                        if (run >= 0) {
                            System.arraycopy(src, base + run, dst, o + q0, width);
                            continue;
                        }
                        for (int p = q0; p < q0 + width; p++) {
                            int s = mapT[m + p];
                            dst[o + p] = s < 0 ? 0f : src[base + s];
                        }
                    }
                }
            }
            FloatBuffer ob = colsT.data().asNioFloat();
            long row = (long) batch * positions;
            for (int j = 0; j < k; j++) {
                ob.position((int) (colsT.offset() + j * row + (long) e0 * positions));
                ob.put(dst, j * cols, cols);
            }
        }

        @Override
        void reluBackward(INDArray z, INDArray eps, long from, int n, INDArray out) {
            if (direct && ConvVectorOps.direct(z, eps, out)) {
                ConvVectorOps.reluBackward(z, eps, from, n, out);
                return;
            }
            float[] zs = read(z, from, n);
            float[] es = scratch(n);
            FloatBuffer eb = eps.data().asNioFloat();
            eb.position((int) (eps.offset() + from));
            eb.get(es, 0, n);
            if (VECTOR_API) {
                ConvVectorOps.reluBackward(zs, es, n);
            } else {
                for (int i = 0; i < n; i++) {
                    es[i] = Float.intBitsToFloat(Float.floatToRawIntBits(es[i]) & ~notPositive(zs[i]));
                }
            }
            write(out, from, es, n);
        }
    }

    static final class Doubles extends HostKernels {
        private double[] a = new double[0];
        private double[] b = new double[0];

        /** Elements [from, from + n) of {@code x} (buffer order) in the reused heap array {@code a}. */
        private double[] read(INDArray x, long from, int n) {
            if (a.length < n) {
                a = new double[n];
            }
            DoubleBuffer buf = x.data().asNioDouble();
            buf.position((int) (x.offset() + from));
            buf.get(a, 0, n);
            return a;
        }

        private double[] scratch(int n) {
            if (b.length < n) {
                b = new double[n];
            }
            return b;
        }

        private static void write(INDArray x, long from, double[] src, int n) {
            DoubleBuffer buf = x.data().asNioDouble();
            buf.position((int) (x.offset() + from));
            buf.put(src, 0, n);
        }

        @Override
        void im2col(INDArray x, int[] map, int block, int e0, int e1, INDArray cols) {
            int pk = map.length;
            double[] src = read(x, (long) e0 * block, (e1 - e0) * block);
            double[] dst = scratch((e1 - e0) * pk);
            for (int e = 0; e < e1 - e0; e++) {
                int base = e * block;
                int o = e * pk;
                for (int j = 0; j < pk; j++) {
                    int s = map[j];
                    dst[o + j] = s < 0 ? 0.0 : src[base + s];
                }
            }
            write(cols, (long) e0 * pk, dst, (e1 - e0) * pk);
        }

        @Override
        void col2im(INDArray dcols, int[][] inverse, int pk, int e0, int e1, INDArray dx) {
            int[] start = inverse[0];
            int[] cells = inverse[1];
            int block = start.length - 1;
            double[] src = read(dcols, (long) e0 * pk, (e1 - e0) * pk);
            int n = (e1 - e0) * block;
            double[] dst = scratch(n);
            for (int e = 0; e < e1 - e0; e++) {
                int base = e * block;
                int o = e * pk;
                for (int s = 0; s < block; s++) {
                    double acc = 0.0;
                    for (int q = start[s]; q < start[s + 1]; q++) {
                        acc += src[o + cells[q]];
                    }
                    dst[base + s] = acc;
                }
            }
            write(dx, (long) e0 * block, dst, n);
        }

        @Override
        void toChannelsFirst(INDArray z, INDArray bias, int positions, int channels, int e0, int e1, INDArray out) {
            int per = positions * channels;
            double[] bs = new double[channels];
            if (bias != null) {
                System.arraycopy(read(bias, 0, channels), 0, bs, 0, channels);
            }
            double[] src = read(z, (long) e0 * per, (e1 - e0) * per);
            double[] dst = scratch((e1 - e0) * per);
            for (int e = 0; e < e1 - e0; e++) {
                int in = e * per;
                for (int f = 0; f < channels; f++) {
                    double bf = bs[f];
                    int o = in + f * positions;
                    for (int p = 0; p < positions; p++) {
                        dst[o + p] = src[in + p * channels + f] + bf;
                    }
                }
            }
            write(out, (long) e0 * per, dst, (e1 - e0) * per);
        }

        @Override
        void toChannelsLast(INDArray d, int positions, int channels, int e0, int e1, INDArray out) {
            int per = positions * channels;
            double[] src = read(d, (long) e0 * per, (e1 - e0) * per);
            double[] dst = scratch((e1 - e0) * per);
            for (int e = 0; e < e1 - e0; e++) {
                int o = e * per;
                for (int f = 0; f < channels; f++) {
                    int in = o + f * positions;
                    for (int p = 0; p < positions; p++) {
                        dst[o + p * channels + f] = src[in + p];
                    }
                }
            }
            write(out, (long) e0 * per, dst, (e1 - e0) * per);
        }

        @Override
        void toChannelsMajor(
                INDArray z,
                INDArray d,
                int positions,
                int channels,
                int batch,
                int e0,
                int e1,
                INDArray out,
                INDArray sums) {
            int per = positions * channels;
            int n = (e1 - e0) * per;
            double[] es = scratch(n);
            DoubleBuffer eb = d.data().asNioDouble();
            eb.position((int) (d.offset() + (long) e0 * per));
            eb.get(es, 0, n);
            if (z != null) {
                double[] zs = read(z, (long) e0 * per, n);
                for (int i = 0; i < n; i++) {
                    es[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(es[i]) & ~notPositive(zs[i]));
                }
            }
            DoubleBuffer ob = out.data().asNioDouble();
            long row = (long) batch * positions;
            for (int f = 0; f < channels; f++) {
                ob.position((int) (out.offset() + f * row + (long) e0 * positions));
                for (int e = 0; e < e1 - e0; e++) {
                    ob.put(es, e * per + f * positions, positions);
                }
            }
            if (sums != null) {
                write(sums, 0, laneSums(es, e1 - e0, positions, channels), channels);
            }
        }

        @Override
        void channelSums(INDArray d, int positions, int channels, int e0, int e1, INDArray sums) {
            int per = positions * channels;
            int n = (e1 - e0) * per;
            double[] es = read(d, (long) e0 * per, n);
            write(sums, 0, laneSums(es, e1 - e0, positions, channels), channels);
        }

        /** Σ over the examples and positions of es [ne, F, P] per channel, in {@link #SUM_LANES} lanes. */
        private static double[] laneSums(double[] es, int ne, int positions, int channels) {
            int per = positions * channels;
            double[] total = new double[channels];
            double[] lane = new double[SUM_LANES];
            for (int f = 0; f < channels; f++) {
                java.util.Arrays.fill(lane, 0.0);
                for (int e = 0; e < ne; e++) {
                    int o = e * per + f * positions;
                    int p = 0;
                    for (; p + SUM_LANES <= positions; p += SUM_LANES) {
                        for (int l = 0; l < SUM_LANES; l++) {
                            lane[l] += es[o + p + l];
                        }
                    }
                    for (; p < positions; p++) {
                        lane[p % SUM_LANES] += es[o + p];
                    }
                }
                double t = 0.0;
                for (int l = 0; l < SUM_LANES; l++) {
                    t += lane[l];
                }
                total[f] = t;
            }
            return total;
        }

        @Override
        void fromChannelsMajor(
                INDArray zm,
                INDArray bias,
                int positions,
                int channels,
                int batch,
                int e0,
                int e1,
                INDArray out,
                INDArray copy) {
            int per = positions * channels;
            int ne = e1 - e0;
            int cols = ne * positions;
            double[] bs = new double[channels];
            if (bias != null) {
                System.arraycopy(read(bias, 0, channels), 0, bs, 0, channels);
            }
            double[] src = scratch(channels * cols);
            DoubleBuffer ib = zm.data().asNioDouble();
            long row = (long) batch * positions;
            for (int f = 0; f < channels; f++) {
                ib.position((int) (zm.offset() + f * row + (long) e0 * positions));
                ib.get(src, f * cols, cols);
            }
            if (a.length < ne * per) {
                a = new double[ne * per];
            }
            double[] dst = a; // bs holds the bias: a is free
            for (int e = 0; e < ne; e++) {
                for (int f = 0; f < channels; f++) {
                    double bf = bs[f];
                    int i = f * cols + e * positions;
                    int o = e * per + f * positions;
                    for (int p = 0; p < positions; p++) {
                        dst[o + p] = src[i + p] + bf;
                    }
                }
            }
            write(out, (long) e0 * per, dst, ne * per);
            if (copy != null) {
                write(copy, (long) e0 * per, dst, ne * per);
            }
        }

        @Override
        void im2colT(
                INDArray x,
                int[] mapT,
                int[] runs,
                int positions,
                int block,
                int batch,
                int e0,
                int e1,
                INDArray colsT) {
            int k = mapT.length / positions;
            int rows = runs.length / k;
            int width = positions / rows;
            int ne = e1 - e0;
            int cols = ne * positions;
            double[] src = read(x, (long) e0 * block, ne * block);
            double[] dst = scratch(k * cols);
            for (int j = 0; j < k; j++) {
                int m = j * positions;
                for (int e = 0; e < ne; e++) {
                    int base = e * block;
                    int o = j * cols + e * positions;
                    for (int r = 0; r < rows; r++) {
                        int run = runs[j * rows + r];
                        int q0 = r * width;
                        if (run >= 0) {
                            System.arraycopy(src, base + run, dst, o + q0, width);
                            continue;
                        }
                        for (int p = q0; p < q0 + width; p++) {
                            int s = mapT[m + p];
                            dst[o + p] = s < 0 ? 0.0 : src[base + s];
                        }
                    }
                }
            }
            DoubleBuffer ob = colsT.data().asNioDouble();
            long row = (long) batch * positions;
            for (int j = 0; j < k; j++) {
                ob.position((int) (colsT.offset() + j * row + (long) e0 * positions));
                ob.put(dst, j * cols, cols);
            }
        }

        @Override
        void reluBackward(INDArray z, INDArray eps, long from, int n, INDArray out) {
            double[] zs = read(z, from, n);
            double[] es = scratch(n);
            DoubleBuffer eb = eps.data().asNioDouble();
            eb.position((int) (eps.offset() + from));
            eb.get(es, 0, n);
            for (int i = 0; i < n; i++) {
                es[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(es[i]) & ~notPositive(zs[i]));
            }
            write(out, from, es, n);
        }
    }
}

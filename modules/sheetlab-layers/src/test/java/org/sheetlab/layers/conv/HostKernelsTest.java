package org.sheetlab.layers.conv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The FLOAT layout kernels on the off-heap buffers ({@link ConvVectorOps}, the default with the Vector API) against
 * the heap path ({@code Floats(false)}: bulk copies into Java arrays and scalar loops), bit for bit: the same bias
 * additions, ReLU mask (negative, −0, NaN and positive z) and channel sums in the same lanes. Shapes with and without
 * vector tails (35 and 64 positions), parts of the batch (e0, e1) as the host threads call them, and inputs that are
 * views at a non-zero offset.
 */
class HostKernelsTest {
    private static final Random RANDOM = new Random(7);

    /** Values with every sign case the ReLU mask distinguishes. */
    private static INDArray random(long... shape) {
        INDArray a = Nd4j.create(DataType.FLOAT, shape);
        for (long i = 0; i < a.length(); i++) {
            int r = RANDOM.nextInt(20);
            float v = r == 0 ? -0f : r == 1 ? Float.NaN : r == 2 ? 0f : (float) RANDOM.nextGaussian();
            a.putScalar(i, v);
        }
        return a;
    }

    /** A c-order view of [rows, ...] taken from rows [1, rows + 1) of a bigger array: offset &gt; 0. */
    private static INDArray offsetView(long rows, long columns) {
        INDArray big = random(rows + 2, columns);
        INDArray v = big.get(NDArrayIndex.interval(1, rows + 1), NDArrayIndex.all());
        assertThat(v.offset()).isPositive();
        return v;
    }

    /** The same raw float bits, element by element (NaN payloads and the sign of zero included). */
    private static void assertSameBits(INDArray direct, INDArray heap) {
        int[] d = new int[(int) direct.length()];
        int[] h = new int[(int) heap.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Float.floatToRawIntBits(direct.getFloat(i));
            h[i] = Float.floatToRawIntBits(heap.getFloat(i));
        }
        assertThat(d).containsExactly(h);
    }

    @Test
    void theVectorApiIsOnInTests() {
        assertThat(HostKernels.VECTOR_API).isTrue();
    }

    @Test
    void im2colTMatchesTheHeapPath() {
        // 3x3 kernel, padding 1 (gathers) and 5x5 without padding (contiguous runs), 2 channels
        for (int[] k : new int[][] {{3, 1, 1}, {5, 0, 1}, {3, 0, 2}}) {
            int b = 5;
            int c = 2;
            int h = 9;
            int w = 11;
            int kk = k[0];
            int pad = k[1];
            int st = k[2];
            int oh = (h + 2 * pad - kk) / st + 1;
            int ow = (w + 2 * pad - kk) / st + 1;
            FastConvolutionLayer.Geometry g =
                    new FastConvolutionLayer.Geometry(b, c, h, w, kk, kk, st, st, pad, pad, oh, ow);
            int[] mapT = HostKernels.transpose(FastConvolutionLayer.indexMap(g), g.p());
            int[] runs = HostKernels.runs(mapT, oh, ow);
            INDArray x = offsetView(b, (long) c * h * w);
            INDArray direct = Nd4j.zeros(DataType.FLOAT, g.k(), (long) b * g.p());
            INDArray heap = Nd4j.zeros(DataType.FLOAT, g.k(), (long) b * g.p());
            for (int[] part : new int[][] {{0, b}, {1, 4}}) {
                new HostKernels.Floats(true).im2colT(x, mapT, runs, g.p(), c * h * w, b, part[0], part[1], direct);
                new HostKernels.Floats(false).im2colT(x, mapT, runs, g.p(), c * h * w, b, part[0], part[1], heap);
                assertSameBits(direct, heap);
            }
            assertThat(direct.sumNumber().doubleValue()).isNotZero();
        }
    }

    @Test
    void fromChannelsMajorMatchesTheHeapPath() {
        for (int positions : new int[] {35, 64}) {
            int f = 3;
            int b = 4;
            INDArray zm = offsetView(f, (long) b * positions);
            for (INDArray bias : new INDArray[] {random(f), null}) {
                for (boolean withCopy : new boolean[] {true, false}) {
                    INDArray[] out = {
                        Nd4j.zeros(DataType.FLOAT, b, f, positions), Nd4j.zeros(DataType.FLOAT, b, f, positions)
                    };
                    INDArray[] copy = {
                        withCopy ? Nd4j.zeros(DataType.FLOAT, b, (long) f * positions) : null,
                        withCopy ? Nd4j.zeros(DataType.FLOAT, b, (long) f * positions) : null
                    };
                    for (int[] part : new int[][] {{0, b}, {1, 3}}) {
                        new HostKernels.Floats(true)
                                .fromChannelsMajor(zm, bias, positions, f, b, part[0], part[1], out[0], copy[0]);
                        new HostKernels.Floats(false)
                                .fromChannelsMajor(zm, bias, positions, f, b, part[0], part[1], out[1], copy[1]);
                        assertSameBits(out[0], out[1]);
                        if (withCopy) {
                            assertSameBits(copy[0], copy[1]);
                            assertSameBits(copy[0], out[0]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void toChannelsMajorMatchesTheHeapPathMaskAndChannelSums() {
        for (int positions : new int[] {35, 64}) {
            int f = 3;
            int b = 4;
            INDArray d = offsetView(b, (long) f * positions);
            INDArray z = random(b, f, positions);
            for (INDArray zz : new INDArray[] {z, null}) {
                for (boolean withSums : new boolean[] {true, false}) {
                    INDArray[] out = {
                        Nd4j.zeros(DataType.FLOAT, f, (long) b * positions),
                        Nd4j.zeros(DataType.FLOAT, f, (long) b * positions)
                    };
                    INDArray[] sums = {
                        withSums ? Nd4j.zeros(DataType.FLOAT, f) : null, withSums ? Nd4j.zeros(DataType.FLOAT, f) : null
                    };
                    for (int[] part : new int[][] {{0, b}, {1, 4}}) {
                        new HostKernels.Floats(true)
                                .toChannelsMajor(zz, d, positions, f, b, part[0], part[1], out[0], sums[0]);
                        new HostKernels.Floats(false)
                                .toChannelsMajor(zz, d, positions, f, b, part[0], part[1], out[1], sums[1]);
                        assertSameBits(out[0], out[1]);
                        if (withSums) {
                            assertSameBits(sums[0], sums[1]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void channelSumsOfTheFullPassEqualTheFusedOnes() {
        int positions = 35;
        int f = 3;
        int b = 4;
        INDArray d = random(b, f, positions);
        for (int i = 0; i < d.length(); i++) { // finite values: a NaN would make the comparison vacuous
            if (Float.isNaN(d.getFloat(i))) {
                d.putScalar(i, 1.5f);
            }
        }
        INDArray fused = Nd4j.zeros(DataType.FLOAT, f);
        INDArray full = Nd4j.zeros(DataType.FLOAT, f);
        new HostKernels.Floats(true)
                .toChannelsMajor(
                        null, d, positions, f, b, 0, b, Nd4j.zeros(DataType.FLOAT, f, (long) b * positions), fused);
        new HostKernels.Floats(true).channelSums(d, positions, f, 0, b, full);
        assertSameBits(fused, full);
    }

    @Test
    void reluBackwardMatchesTheHeapPath() {
        INDArray z = offsetView(3, 37);
        INDArray eps = random(3, 37);
        INDArray[] out = {Nd4j.zeros(DataType.FLOAT, 3, 37), Nd4j.zeros(DataType.FLOAT, 3, 37)};
        new HostKernels.Floats(true).reluBackward(z, eps, 5, 100, out[0]);
        new HostKernels.Floats(false).reluBackward(z, eps, 5, 100, out[1]);
        assertSameBits(out[0], out[1]);
        assertThat(out[0].getFloat(0)).isZero(); // untouched before "from"
    }
}

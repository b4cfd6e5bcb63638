package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sheetlab.core.vector.VectorMath;

/**
 * {@link DenseRowKernels} on the JDK Vector API: whole vectors lane by lane, returning where the scalar tail starts
 * (or doing the tail itself). Loaded only when {@link UpdaterKernels#VECTOR_API} is true.
 */
final class VectorDenseRowKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** σ and tanh through {@link VectorMath} (see {@link DenseRowKernels#POLY_MATH}). */
    private static final boolean POLY = DenseRowKernels.POLY_MATH && VectorMath.usable();

    private VectorDenseRowKernels() {}

    private static FloatVector load(ByteBuffer b, int i) {
        return FloatVector.fromByteBuffer(S, b, i << 2, ORDER);
    }

    private static void store(FloatVector x, ByteBuffer b, int i) {
        x.intoByteBuffer(b, i << 2, ORDER);
    }

    private static FloatVector activate(FloatVector x, int act, float alpha) {
        return switch (act) {
            case DenseRowKernels.RELU -> x.max(0f);
            case DenseRowKernels.LEAKY_RELU -> x.mul(alpha).blend(x, x.compare(VectorOperators.GT, 0f));
            case DenseRowKernels.SIGMOID ->
                POLY
                        ? VectorMath.sigmoid(x)
                        : FloatVector.broadcast(S, 1f)
                                .div(x.neg().lanewise(VectorOperators.EXP).add(1f));
            case DenseRowKernels.TANH -> POLY ? VectorMath.tanh(x) : x.lanewise(VectorOperators.TANH);
            default -> x;
        };
    }

    static void biasActivation(
            ByteBuffer a, int aOff, int rows, int cols, ByteBuffer bias, int bOff, int act, float alpha) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = aOff + r * cols;
            int c = 0;
            for (; c < bound; c += S.length()) {
                FloatVector x = load(a, row + c);
                if (bias != null) {
                    x = x.add(load(bias, bOff + c));
                }
                store(activate(x, act, alpha), a, row + c);
            }
            for (; c < cols; c++) {
                int at = (row + c) << 2;
                float x = a.getFloat(at);
                if (bias != null) {
                    x += bias.getFloat((bOff + c) << 2);
                }
                a.putFloat(at, DenseRowKernels.activate(x, act, alpha));
            }
        }
    }

    static int activationGradient(ByteBuffer e, int eOff, ByteBuffer a, int aOff, int len, int act, float alpha) {
        int bound = S.loopBound(len);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        FloatVector slope = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector y = load(a, aOff + i);
            FloatVector d = switch (act) {
                case DenseRowKernels.RELU -> zero.blend(one, y.compare(VectorOperators.GT, 0f));
                case DenseRowKernels.LEAKY_RELU -> slope.blend(one, y.compare(VectorOperators.GT, 0f));
                case DenseRowKernels.SIGMOID -> y.mul(one.sub(y));
                case DenseRowKernels.TANH -> one.sub(y.mul(y));
                default -> one;
            };
            store(load(e, eOff + i).mul(d), e, eOff + i);
        }
        return i;
    }

    static int columnSums(ByteBuffer d, int dOff, int rows, int cols, ByteBuffer g, int gOff) {
        int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(load(d, dOff + r * cols + c));
            }
            store(acc, g, gOff + c);
        }
        return c;
    }
}

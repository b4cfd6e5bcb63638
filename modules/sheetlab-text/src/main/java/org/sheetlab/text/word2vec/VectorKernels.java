package org.sheetlab.text.word2vec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastSkipGram}'s two kernels on d floats with the JDK's Vector API (jdk.incubator.vector): the dot product
 * x·y, which the JIT does not vectorise on its own (a float sum in order), and y += g·x. Loaded only when the JVM runs
 * with {@code --add-modules jdk.incubator.vector} ({@link FastSkipGram#VECTOR_API}); otherwise FastSkipGram's scalar
 * loops run. Same formulas, a different summation order in the dot product.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorKernels() {}

    /** Σ_c x[i + c]·y[j + c] over c &lt; n, in S.length() partial sums. */
    static float dot(float[] x, int i, float[] y, int j, int n) {
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        int bound = S.loopBound(n);
        for (; c < bound; c += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, x, i + c).mul(FloatVector.fromArray(S, y, j + c)));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += x[i + c] * y[j + c];
        }
        return s;
    }

    /** y[j + c] += g·x[i + c] for c &lt; n. */
    static void axpy(float g, float[] x, int i, float[] y, int j, int n) {
        int c = 0;
        int bound = S.loopBound(n);
        for (; c < bound; c += S.length()) {
            FloatVector.fromArray(S, x, i + c)
                    .mul(g)
                    .add(FloatVector.fromArray(S, y, j + c))
                    .intoArray(y, j + c);
        }
        for (; c < n; c++) {
            y[j + c] += g * x[i + c];
        }
    }
}

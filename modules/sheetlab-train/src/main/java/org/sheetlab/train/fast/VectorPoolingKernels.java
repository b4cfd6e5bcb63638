package org.sheetlab.train.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API part of {@link PoolingKernels#maxForward2x2}: a vector of windows at a time, their four cells gathered
 * by index, the same first-largest rule (a cell replaces the pair's or the upper pair's maximum only when strictly
 * greater; a window of values ≤ −MAX_VALUE gives −MAX_VALUE at its first cell). Loaded only where {@link
 * UpdaterKernels#VECTOR_API} holds: touching this class without {@code --add-modules jdk.incubator.vector} would be a
 * NoClassDefFoundError.
 */
final class VectorPoolingKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private VectorPoolingKernels() {}

    /** Whether the float and int species have the same lane count (they do for 32-bit lanes of one shape). */
    static boolean usable() {
        return F.length() == I.length() && F.length() > 1;
    }

    /**
     * Windows [0, n) of one plane x (row width w; window o's top-left cell at corner[o]) in whole vectors: y[o] the
     * maximum, arg[argAt + o] = ib + its cell. Returns how many were done (a multiple of the lanes) and sets nan[0]
     * when a window held a NaN.
     */
    static int max2x2(float[] x, int w, int[] corner, int n, float[] y, int[] arg, int argAt, int ib, boolean[] nan) {
        int lanes = F.length();
        FloatVector floor = FloatVector.broadcast(F, -Float.MAX_VALUE);
        boolean anyNan = false;
        int o = 0;
        for (; o + lanes <= n; o += lanes) {
            FloatVector a = FloatVector.fromArray(F, x, 0, corner, o);
            FloatVector b = FloatVector.fromArray(F, x, 1, corner, o);
            FloatVector c = FloatVector.fromArray(F, x, w, corner, o);
            FloatVector d = FloatVector.fromArray(F, x, w + 1, corner, o);
            anyNan |= a.test(VectorOperators.IS_NAN)
                    .or(b.test(VectorOperators.IS_NAN))
                    .or(c.test(VectorOperators.IS_NAN))
                    .or(d.test(VectorOperators.IS_NAN))
                    .anyTrue();
            IntVector base = IntVector.fromArray(I, corner, o);
            VectorMask<Float> gb = b.compare(VectorOperators.GT, a);
            FloatVector upper = a.blend(b, gb);
            IntVector upperAt = base.add(1, gb.cast(I));
            VectorMask<Float> gd = d.compare(VectorOperators.GT, c);
            FloatVector lower = c.blend(d, gd);
            IntVector lowerAt = base.add(w).add(1, gd.cast(I));
            VectorMask<Float> gl = lower.compare(VectorOperators.GT, upper);
            FloatVector m = upper.blend(lower, gl);
            IntVector at = upperAt.blend(lowerAt, gl.cast(I));
            VectorMask<Float> above = m.compare(VectorOperators.GT, floor);
            m = floor.blend(m, above);
            at = base.blend(at, above.cast(I));
            m.intoArray(y, o);
            at.add(ib).intoArray(arg, argAt + o);
        }
        if (anyNan) {
            nan[0] = true;
        }
        return o;
    }
}

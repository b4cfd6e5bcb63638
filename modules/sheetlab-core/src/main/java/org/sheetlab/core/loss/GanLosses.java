package org.sheetlab.core.loss;

/**
 * Sheet, GAN: the min-max game min_G max_D V(D, G), V = E[log D(x)] + E[log(1 − D(G(z)))], written as the losses each
 * player minimises, from the discriminator's outputs d_real = D(x) and d_fake = D(G(z)) in (0, 1), averaged over the
 * batch:
 * <pre>
 *   discriminator   L_D = −(1/B) Σ [ r·log d_real + (1 − r)·log(1 − d_real) ] − (1/B) Σ [ f·log d_fake + (1 − f)·log(1 − d_fake) ]
 *                   with targets r = 1, f = 0 (L_D = −V), or smoothed: one-sided r = 0.9; two-sided also f = 0.1
 *   generator       saturating (the min-max form)   L_G = (1/B) Σ log(1 − d_fake)
 *                   non-saturating                 L_G = −(1/B) Σ log d_fake
 * </pre>
 * The saturating loss's gradient, −1/(1 − d_fake) per unit of d_fake, is small exactly when D rejects the fakes
 * (d_fake → 0), early in training: the failure the sheet warns about, and why the non-saturating form is the usual
 * choice. {@link SaturatingGeneratorLoss} is the saturating form as a DL4J loss; the others are DL4J's binary
 * cross-entropy with the targets above.
 */
public final class GanLosses {
    private GanLosses() {}

    /** The min-max value V(D, G) for a batch. */
    public static double value(double[] dReal, double[] dFake) {
        return mean(dReal, Math::log) + mean(dFake, d -> Math.log(1 - d));
    }

    /** L_D with real target {@code r} and fake target {@code f} (1 and 0 without smoothing). */
    public static double discriminator(double[] dReal, double[] dFake, double r, double f) {
        return -mean(dReal, d -> r * Math.log(d) + (1 - r) * Math.log(1 - d))
                - mean(dFake, d -> f * Math.log(d) + (1 - f) * Math.log(1 - d));
    }

    /** L_G, saturating (the min-max form) or non-saturating. */
    public static double generator(double[] dFake, boolean saturating) {
        return saturating ? mean(dFake, d -> Math.log(1 - d)) : -mean(dFake, Math::log);
    }

    private static double mean(double[] v, java.util.function.DoubleUnaryOperator f) {
        if (v.length == 0) {
            throw new IllegalArgumentException("GAN losses need at least one discriminator output");
        }
        double s = 0;
        for (double d : v) {
            if (!(d > 0 && d < 1)) {
                throw new IllegalArgumentException("discriminator outputs must lie in (0, 1), got " + d);
            }
            s += f.applyAsDouble(d);
        }
        return s / v.length;
    }
}

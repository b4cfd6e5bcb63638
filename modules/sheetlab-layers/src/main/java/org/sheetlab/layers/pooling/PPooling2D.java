package org.sheetlab.layers.pooling;

import org.sheetlab.core.pooling.PPool;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * Sheet, Pooling Gradients (Final Q1), "P-Pooling" over k×k windows: y = (Σᵢ xᵢᵖ)^(1/p), backward
 * ∂y/∂xᵢ = δ·xᵢ^(p−1)/(Σⱼ xⱼᵖ)^((p−1)/p). p = 1 is the window sum (n × average pooling), p → ∞ approaches max
 * pooling; p is any real ≥ 1. Negative inputs are pooled by magnitude (see {@link PPool}); after a ReLU this is
 * exactly the sheet's formula. Shapes: [B, C, H, W] → [B, C, O_h, O_w].
 *
 * <pre>{@code new PPooling2D.Builder().p(3).kernelSize(2, 2).stride(2, 2).build()}</pre>
 */
public final class PPooling2D extends WindowPooling2D {
    private static final long serialVersionUID = 1L;

    private double p = 2;

    /** For JSON deserialisation. */
    public PPooling2D() {}

    private PPooling2D(Builder b) {
        super(b);
        this.p = b.p;
        new PPool(p); // validates p with a message naming the fix
    }

    @Override
    public PoolingFunction function() {
        return new PPool(p);
    }

    public double getP() {
        return p;
    }

    public void setP(double p) {
        this.p = p;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((PPooling2D) o).p == p;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(p);
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders). javac reports it on the class, not the method, so only a
    // class-level suppression silences it. Sound: build() returns exactly the class its callers expect.
    @SuppressWarnings("unchecked")
    public static final class Builder extends WindowPooling2D.Builder<Builder> {
        private double p = 2;

        /** The norm order p ≥ 1 (default 2). */
        public Builder p(double p) {
            this.p = p;
            return this;
        }

        @Override
        public PPooling2D build() {
            return new PPooling2D(this);
        }
    }
}

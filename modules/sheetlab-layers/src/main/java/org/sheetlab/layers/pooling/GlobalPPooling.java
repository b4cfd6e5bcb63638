package org.sheetlab.layers.pooling;

import org.sheetlab.core.pooling.PPool;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * Global p-pooling (sheet, Final Q1): y_c = (Σᵢ xᵢᵖ)^(1/p) over all positions i of channel c; [B, C, H, W] or
 * [B, C, T] → [B, C]. See {@link PPool} for the domain and numerics.
 */
public final class GlobalPPooling extends GlobalWindowPooling {
    private static final long serialVersionUID = 1L;

    private double p = 2;

    /** For JSON deserialisation. */
    public GlobalPPooling() {}

    private GlobalPPooling(Builder b) {
        super(b);
        this.p = b.p;
        new PPool(p);
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
        return super.equals(o) && ((GlobalPPooling) o).p == p;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(p);
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders). javac reports it on the class, not the method, so only a
    // class-level suppression silences it. Sound: build() returns exactly the class its callers expect.
    @SuppressWarnings("unchecked")
    public static final class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        private double p = 2;

        public Builder p(double p) {
            this.p = p;
            return this;
        }

        @Override
        public GlobalPPooling build() {
            return new GlobalPPooling(this);
        }
    }
}

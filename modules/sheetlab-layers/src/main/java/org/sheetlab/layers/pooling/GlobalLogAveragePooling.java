package org.sheetlab.layers.pooling;

import org.sheetlab.core.pooling.LogAveragePool;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * Global log-average pooling (sheet, Final Q1): y_c = log(1/n Σᵢ exp(xᵢ)) over the n positions of channel c, gradient
 * softmax; [B, C, H, W] or [B, C, T] → [B, C].
 */
public final class GlobalLogAveragePooling extends GlobalWindowPooling {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation. */
    public GlobalLogAveragePooling() {}

    private GlobalLogAveragePooling(Builder b) {
        super(b);
    }

    @Override
    public PoolingFunction function() {
        return new LogAveragePool();
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders). javac reports it on the class, not the method, so only a
    // class-level suppression silences it. Sound: build() returns exactly the class its callers expect.
    @SuppressWarnings("unchecked")
    public static final class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        @Override
        public GlobalLogAveragePooling build() {
            return new GlobalLogAveragePooling(this);
        }
    }
}

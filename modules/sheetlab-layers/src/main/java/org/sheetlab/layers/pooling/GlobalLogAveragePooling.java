package org.sheetlab.layers.pooling;

import org.sheetlab.core.pooling.LogAveragePool;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * Global log-average pooling (sheet, Final Q1): y_c = log(1/n Σᵢ exp(xᵢ)) over the n positions of channel c, gradient
 * softmax; [B, C, H, W] or [B, C, T] → [B, C].
 */
public final class GlobalLogAveragePooling extends GlobalWindowPooling {
    /** For JSON deserialisation. */
    public GlobalLogAveragePooling() {}

    private GlobalLogAveragePooling(Builder b) {
        super(b);
    }

    @Override
    public PoolingFunction function() {
        return new LogAveragePool();
    }

    public static final class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public GlobalLogAveragePooling build() {
            return new GlobalLogAveragePooling(this);
        }
    }
}

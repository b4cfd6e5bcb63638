package org.sheetlab.layers.pooling;

import org.sheetlab.core.pooling.LogAveragePool;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * Sheet, Pooling Gradients (Final Q1), "Log-Average" over k×k windows: y = log(1/n Σᵢ exp(xᵢ)) with n = k_h·k_w,
 * backward ∂y/∂xᵢ = δ·softmax(x)ᵢ; computed stably (log-sum-exp), so inputs of ±1000 stay finite. It lies between
 * average and max pooling. Shapes: [B, C, H, W] → [B, C, O_h, O_w]. Padded positions hold 0 and count in n, as
 * zero-padding does for average pooling; use padding 0 (the default) for the sheet's exact form.
 *
 * <pre>{@code new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build()}</pre>
 */
public final class LogAveragePooling2D extends WindowPooling2D {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation. */
    public LogAveragePooling2D() {}

    private LogAveragePooling2D(Builder b) {
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
    public static final class Builder extends WindowPooling2D.Builder<Builder> {
        @Override
        public LogAveragePooling2D build() {
            return new LogAveragePooling2D(this);
        }
    }
}

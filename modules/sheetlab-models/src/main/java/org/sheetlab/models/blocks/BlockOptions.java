package org.sheetlab.models.blocks;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.nd4j.linalg.activations.Activation;

/**
 * The options every block builder of this package has: the stride S, batch normalization after each convolution,
 * the activation and the convolution implementation ({@link ConvBlocks#convolution}). Each block states its defaults.
 *
 * @param <B> the concrete builder, so that the {@code optX} methods chain
 */
public abstract class BlockOptions<B extends BlockOptions<B>> {
    protected int stride = 1;
    protected boolean batchNorm;
    protected Activation activation;
    protected boolean fastConvolution = true;

    /** The block's default batch-norm setting and activation. */
    protected BlockOptions(boolean defaultBatchNorm, Activation defaultActivation) {
        this.batchNorm = defaultBatchNorm;
        this.activation = defaultActivation;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The stride S of the block's first (spatial) convolution (1 by default). */
    public B optStride(int stride) {
        this.stride = stride;
        return self();
    }

    /** Batch normalization after each convolution (the block states its default). */
    public B optBatchNorm(boolean batchNorm) {
        this.batchNorm = batchNorm;
        return self();
    }

    /** The activation (the block states its default and where it sits). */
    public B optActivation(Activation activation) {
        this.activation = activation;
        return self();
    }

    /**
     * FastConvolution2D (default; DL4J's ConvolutionLayer with the same parameters and results, several times faster
     * on CPU) or DL4J's own ConvolutionLayer for the block's standard convolutions.
     */
    public B optFastConvolution(boolean fast) {
        this.fastConvolution = fast;
        return self();
    }

    /** Refuses a stride below 1 and a missing activation, naming {@code owner}. */
    protected void checkOptions(String owner) {
        require(stride >= 1, owner, "stride", stride, ">= 1");
        require(activation != null, owner, "activation", null, "an Activation");
    }

    /** Refuses an even or non-positive kernel: same padding P = (K − 1)/2 needs an odd K. */
    protected static void checkKernel(String owner, int kernel) {
        require(kernel >= 1 && kernel % 2 == 1, owner, "kernel", kernel, "odd and >= 1 (same padding P = (K-1)/2)");
    }
}

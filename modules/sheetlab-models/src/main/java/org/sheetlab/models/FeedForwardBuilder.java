package org.sheetlab.models;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A builder of a MultiLayerNetwork over feature vectors [B, n_in]: {@link #setInputSize(int)} is required and the
 * input type is {@code feedForward(n_in)}.
 *
 * @param <B> the concrete builder
 */
public abstract class FeedForwardBuilder<B extends FeedForwardBuilder<B>> extends AbstractNetworkBuilder<B>
        implements MultiLayerNetworkBuilder {
    protected int inputSize = -1;

    protected FeedForwardBuilder(IUpdater defaultUpdater, DataType defaultDataType) {
        super(defaultUpdater, defaultDataType);
    }

    /** n_in, the number of input features (400 on the sheet, 784 for Fashion-MNIST, 30 for breast cancer). */
    public B setInputSize(int inputSize) {
        this.inputSize = inputSize;
        return self();
    }

    /** {@code feedForward(n_in)}. */
    @Override
    public InputType inputType() {
        check();
        return InputType.feedForward(inputSize);
    }

    /** Checks the required and optional values; the message names the model and the value. */
    protected void check() {
        require(
                inputSize >= 1,
                getClass().getEnclosingClass().getSimpleName(),
                "inputSize",
                inputSize,
                ">= 1 (setInputSize(n_in) is required)");
    }
}

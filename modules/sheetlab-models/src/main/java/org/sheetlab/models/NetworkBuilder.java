package org.sheetlab.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * The one shape of every sheetlab network builder ({@code setX} for required values, {@code optX} for optional ones):
 * {@link #build()} gives the DL4J configuration and {@link #inputType()} the {@link InputType} it was built for, which
 * is what {@code NetworkCounter.count(conf, inputType)} and the training harness need.
 *
 * <pre>{@code
 * NetworkBuilder b = PoolingCnn.builder().setPooling(PoolingKind.P3).optSeed(1);
 * MultiLayerConfiguration conf = b.build();
 * NetworkCount count = NetworkCounter.count(conf, b.inputType());
 * }</pre>
 */
public interface NetworkBuilder {
    /**
     * The network's configuration. A required value that is missing or a value out of range gives an {@link
     * org.sheetlab.core.settings.InvalidSettingException} naming that one setting, its value and the allowed range
     * (e.g. "MoeClassifier: experts must be >= 1, got 0"); a required choice without a value (PoolingCnn's pooling
     * kind) an {@link IllegalStateException}.
     */
    MultiLayerConfiguration build();

    /** The input type the configuration is built for (e.g. feedForward(784), convolutionalFlat(28, 28, 1)). */
    InputType inputType();
}

package org.sheetlab.core.style;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One term of the style-transfer loss: its value and its gradient with respect to the array it was computed from
 * (the activations A [B, C, H, W] for the content and style losses, the image [B, C, H, W] for total variation),
 * shaped like that array.
 */
public record LossTerm(double value, INDArray gradient) {}

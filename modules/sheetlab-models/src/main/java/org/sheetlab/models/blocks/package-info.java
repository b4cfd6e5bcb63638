/**
 * Sheet, "Convolutional Networks" → "Convolution blocks": builders of the sheet's building blocks that a user adds to
 * any DL4J {@code ComputationGraphConfiguration.GraphBuilder} ({@code addTo(graph, input, name)}, returning the name of
 * the block's output vertex), and two small classifiers made of them for the catalog.
 *
 * <ul>
 *   <li>{@link org.sheetlab.models.blocks.ResidualBlock}: ResNet skip y = F(x, W) + x (a 1×1 projection on the skip
 *       when channels or stride change), then the activation;</li>
 *   <li>{@link org.sheetlab.models.blocks.PointwiseConvolution}: the 1×1 convolution, a channel projection with no
 *       spatial extent, C_in + 1 parameters per output channel;</li>
 *   <li>{@link org.sheetlab.models.blocks.DepthwiseSeparableBlock}: MobileNet's depthwise convolution (one K×K filter
 *       per channel) → ReLU6 → 1×1 pointwise convolution → ReLU6, relu6(z) = min(max(0, z), 6);</li>
 *   <li>{@link org.sheetlab.models.blocks.ConvBlocks}: same padding P = (K − 1)/2 (core's
 *       {@link org.sheetlab.core.counting.ConvArithmetic#samePadding(long)}), so every block's output size is the
 *       sheet's O = ⌊(W − K + 2P)/S⌋ + 1 = ⌈W/S⌉;</li>
 *   <li>{@link org.sheetlab.models.blocks.ResNetClassifier} and {@link org.sheetlab.models.blocks.MobileNetClassifier},
 *       the catalog's {@code resnet-small} and {@code mobilenet-small}.</li>
 * </ul>
 *
 * Tensors are NCHW throughout: [B, C, H, W].
 */
package org.sheetlab.models.blocks;

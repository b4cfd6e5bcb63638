package org.sheetlab.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.sheetlab.core.counting.ParameterCount;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.layers.conv.FastConvolution2D;
import org.sheetlab.models.analysis.LayerCount;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.catalog.ModelCatalog;

/**
 * The sheet's "Params per Conv = K²×C_in×C_out + C_out (bias)" and "O = ⌊(W−K+2P)/S⌋+1" for every block, through the
 * counting library ({@link NetworkCount} of the configuration, checked against the initialised network's numParams).
 * Expected values are the sheet's formulas written out as arithmetic.
 */
class ConvBlockCountsTest {
    private static NetworkCount count(InputType in, BlockGraphs.Block block) {
        ComputationGraphConfiguration conf = BlockGraphs.bare(in, DataType.FLOAT, block);
        NetworkCount count = new org.sheetlab.models.NetworkSpec.Graph("block", conf, java.util.List.of(in)).count();
        assertThat(count.totalParameters()).isEqualTo(BlockGraphs.init(conf).numParams());
        return count;
    }

    private static LayerCount row(NetworkCount count, String name) {
        return count.layers().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + name + " in " + count.layers()));
    }

    private static void assertRow(NetworkCount count, String name, long params, long... shape) {
        LayerCount r = row(count, name);
        assertThat(r.parameters()).as(name + " parameters").isEqualTo(params);
        assertThat(r.outputShape()).as(name + " output shape").containsExactly(shape);
    }

    @Test
    void residualBlockWithProjectionCountsAndSizes() {
        // 16 -> 32 channels, stride 2 on 8x8: O = floor((8 - 3 + 2*1)/2) + 1 = 4; the 1x1 projection O = (8 - 1)/2 + 1
        NetworkCount c = count(
                InputType.convolutional(8, 8, 16),
                (g, x) -> ResidualBlock.builder()
                        .setChannels(16, 32)
                        .optStride(2)
                        .optBatchNorm(false)
                        .addTo(g, x, "b"));
        long o = (8 - 3 + 2 * 1) / 2 + 1;
        assertThat(o).isEqualTo(4);
        assertRow(c, "b_1", 3 * 3 * 16 * 32 + 32, 32, o, o); // 4,640
        assertRow(c, "b_2", 3 * 3 * 32 * 32 + 32, 32, o, o); // 9,248
        assertRow(c, "b_proj", 1 * 1 * 16 * 32 + 32, 32, (8 - 1 + 0) / 2 + 1, (8 - 1 + 0) / 2 + 1); // 544
        assertRow(c, "b_add", 0, 32, o, o);
        assertRow(c, "b", 0, 32, o, o);
        assertThat(row(c, "b_1").parameters()).isEqualTo(4_640).isEqualTo(ParameterCount.conv(3, 16, 32));
        assertThat(c.totalParameters()).isEqualTo(4_640 + 9_248 + 544);
    }

    @Test
    void residualBlockWithIdentitySkipHasNoProjectionAndKeepsTheSize() {
        ResidualBlock.Builder b = ResidualBlock.builder().setChannels(8, 8).optBatchNorm(false);
        assertThat(b.projects()).isFalse();
        assertThat(ResidualBlock.builder().setChannels(8, 16).projects()).isTrue();
        assertThat(ResidualBlock.builder().setChannels(8, 8).optStride(2).projects())
                .isTrue();
        NetworkCount c = count(InputType.convolutional(7, 9, 8), (g, x) -> b.addTo(g, x, "b"));
        assertThat(c.layers()).extracting(LayerCount::name).doesNotContain("b_proj");
        // same padding at stride 1: O = (W - 3 + 2*1)/1 + 1 = W
        assertRow(c, "b", 0, 8, 7 - 3 + 2 + 1, 9 - 3 + 2 + 1);
        assertThat(c.totalParameters()).isEqualTo(2 * (3 * 3 * 8 * 8 + 8));
    }

    @Test
    void batchNormAddsFourParametersPerChannel() {
        NetworkCount c = count(
                InputType.convolutional(8, 8, 16),
                (g, x) ->
                        ResidualBlock.builder().setChannels(16, 32).optStride(2).addTo(g, x, "b"));
        assertRow(c, "b_1_conv", 3 * 3 * 16 * 32 + 32, 32, 4, 4);
        assertRow(c, "b_1_bn", 4 * 32, 32, 4, 4); // gamma, beta, running mean and variance
        assertRow(c, "b_2", 4 * 32, 32, 4, 4); // conv2's batch norm (no activation after it)
        assertRow(c, "b_proj", 4 * 32, 32, 4, 4);
        assertThat(c.totalParameters()).isEqualTo(4_640 + 9_248 + 544 + 3 * 4 * 32);
    }

    @Test
    void pointwiseConvolutionIsAChannelProjection() {
        NetworkCount c = count(
                InputType.convolutional(7, 7, 64),
                (g, x) -> PointwiseConvolution.builder().setOutChannels(16).addTo(g, x, "p"));
        assertRow(c, "p", 1 * 1 * 64 * 16 + 16, 16, 7, 7); // 1,040: no spatial extent, the size is kept
        assertThat(row(c, "p").parameters()).isEqualTo(1_040);
        NetworkCount s = count(
                InputType.convolutional(7, 7, 64),
                (g, x) -> PointwiseConvolution.builder()
                        .setOutChannels(16)
                        .optStride(2)
                        .addTo(g, x, "p"));
        assertRow(s, "p", 1_040, 16, (7 - 1 + 0) / 2 + 1, (7 - 1 + 0) / 2 + 1);
    }

    @Test
    void depthwiseSeparableBlockCountsOneFilterPerChannel() {
        // depthwise 3x3 on 32 channels, stride 2 on 10x10: O = floor((10 - 3 + 2*1)/2) + 1 = 5
        NetworkCount c = count(
                InputType.convolutional(10, 10, 32),
                (g, x) -> DepthwiseSeparableBlock.builder()
                        .setOutChannels(64)
                        .optStride(2)
                        .optBatchNorm(false)
                        .addTo(g, x, "d"));
        long o = (10 - 3 + 2 * 1) / 2 + 1;
        assertRow(c, "d_dw", 3 * 3 * 32 + 32, 32, o, o); // 320
        assertRow(c, "d", 32 * 64 + 64, 64, o, o); // 2,112
        assertThat(row(c, "d_dw").parameters()).isEqualTo(320);
        // against a standard 3x3 convolution 32 -> 64: 9*32*64 + 64 = 18,496
        assertThat(c.totalParameters()).isEqualTo(320 + 2_112).isLessThan(3 * 3 * 32 * 64 + 64);
        // K = 5: P = 2 keeps 10x10 at stride 1
        NetworkCount five = count(
                InputType.convolutional(10, 10, 4),
                (g, x) -> DepthwiseSeparableBlock.builder()
                        .setOutChannels(6)
                        .optKernel(5)
                        .optBatchNorm(false)
                        .addTo(g, x, "d"));
        assertRow(five, "d_dw", 5 * 5 * 4 + 4, 4, 10 - 5 + 2 * 2 + 1, 10 - 5 + 2 * 2 + 1);
    }

    @Test
    void convolutionsAreFastConvolution2DUnlessAskedOtherwise() {
        ComputationGraphConfiguration fast = ResNetClassifier.builder().build();
        ComputationGraphConfiguration dl4j =
                ResNetClassifier.builder().optFastConvolution(false).build();
        assertThat(layer(fast, "stage2_block1_1_conv")).isInstanceOf(FastConvolution2D.class);
        assertThat(layer(fast, "stage2_block1_proj_conv")).isInstanceOf(FastConvolution2D.class);
        assertThat(layer(dl4j, "stage2_block1_1_conv")).isExactlyInstanceOf(ConvolutionLayer.class);
        assertThat(layer(MobileNetClassifier.builder().build(), "ds2_dw_conv"))
                .isExactlyInstanceOf(DepthwiseConvolution2D.class);
        assertThat(ResNetClassifier.builder()
                        .optFastConvolution(false)
                        .networks()
                        .get(0)
                        .count()
                        .totalParameters())
                .isEqualTo(ResNetClassifier.builder().networks().get(0).count().totalParameters());
    }

    private static Object layer(ComputationGraphConfiguration conf, String name) {
        return ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }

    @Test
    void catalogModelsHaveTheSheetsCounts() {
        // resnet-small: stem 9*1*16+16, stage 1 two 3x3 16->16, stage 2 3x3 16->32, 3x3 32->32 and the 1x1
        // projection 16->32, output 32*10+10; batch norm 4*C after each of the 6 convolutions
        long resnetConvs = (9 * 1 * 16 + 16)
                + 2 * (9 * 16 * 16 + 16)
                + (9 * 16 * 32 + 32)
                + (9 * 32 * 32 + 32)
                + (16 * 32 + 32)
                + (32 * 10 + 10);
        long resnetBn = 4 * (16 + 16 + 16 + 32 + 32 + 32);
        NetworkCount resnet = ModelCatalog.networks("resnet-small", 1).get(0).count();
        assertThat(resnet.totalParameters()).isEqualTo(resnetConvs + resnetBn).isEqualTo(20_138);
        assertRow(resnet, "stage2_block1", 0, 32, (28 - 3 + 2) / 2 + 1, (28 - 3 + 2) / 2 + 1);
        assertRow(resnet, "output", 32 * 10 + 10, 10);
        // mobilenet-small: stem, then (depthwise 9*C_in + C_in) + (pointwise C_in*C_out + C_out) per block
        long mobilenetConvs = (9 * 1 * 16 + 16)
                + (9 * 16 + 16)
                + (16 * 32 + 32)
                + (9 * 32 + 32)
                + (32 * 64 + 64)
                + (9 * 64 + 64)
                + (64 * 128 + 128)
                + (128 * 10 + 10);
        long mobilenetBn = 4 * (16 + 16 + 32 + 32 + 64 + 64 + 128);
        NetworkCount mobilenet =
                ModelCatalog.networks("mobilenet-small", 1).get(0).count();
        assertThat(mobilenet.totalParameters())
                .isEqualTo(mobilenetConvs + mobilenetBn)
                .isEqualTo(14_954);
        long o2 = (28 - 3 + 2) / 2 + 1; // 14
        long o3 = (o2 - 3 + 2) / 2 + 1; // 7
        assertRow(mobilenet, "ds3", 0, 128, o3, o3);
        assertRow(mobilenet, "ds3_dw_conv", 9 * 64 + 64, 64, o3, o3);
        assertThat(ModelCatalog.inputType("resnet-small", 1)).isEqualTo(InputType.convolutional(28, 28, 1));
    }

    /** A declared C_in that is not the input's channel count is refused when the graph is built, naming both. */
    @Test
    void aWrongInputChannelCountIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> BlockGraphs.bare(
                        InputType.convolutional(5, 5, 2),
                        DataType.FLOAT,
                        (g, x) -> ResidualBlock.builder().setChannels(3, 3).addTo(g, x, "b")))
                .hasMessageContaining("ElementWise vertex cannot process CNN activations of different sizes")
                .hasMessageContaining("[3,5,5]")
                .hasMessageContaining("[2,5,5]");
    }

    @Test
    void samePaddingIsHalfTheKernelAndRefusesEvenKernels() {
        assertThat(ConvBlocks.samePadding(1)).isZero();
        assertThat(ConvBlocks.samePadding(3)).isEqualTo((3 - 1) / 2);
        assertThat(ConvBlocks.samePadding(7)).isEqualTo(3);
        assertThatThrownBy(() -> ConvBlocks.samePadding(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("odd kernel")
                .hasMessageContaining("K = 4");
        assertThatThrownBy(() -> ResidualBlock.builder()
                        .setChannels(4, 4)
                        .optKernel(2)
                        .addTo(
                                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                                        .graphBuilder()
                                        .addInputs("x"),
                                "x",
                                "b"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("ResidualBlock: kernel must be odd and >= 1 (same padding P = (K-1)/2), got 2");
        assertThatThrownBy(() -> DepthwiseSeparableBlock.builder()
                        .setOutChannels(4)
                        .optKernel(4)
                        .addTo(
                                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                                        .graphBuilder()
                                        .addInputs("x"),
                                "x",
                                "b"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("kernel must be odd");
        assertThatThrownBy(() -> ResidualBlock.builder()
                        .addTo(
                                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                                        .graphBuilder()
                                        .addInputs("x"),
                                "x",
                                "b"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("channelsIn must be >= 1");
        assertThatThrownBy(() -> ResNetClassifier.builder().optWidths().build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("widths");
    }
}

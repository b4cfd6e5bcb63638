package org.sheetlab.models.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.counting.ParameterCount;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.models.analysis.LayerCount;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.testing.NdAssert;

class Vgg19Test {
    /**
     * The real VGG19 (width 1, top, 224×224×3) has Keras' 143,667,240 parameters, and every row of the counting
     * library's table equals the sheet's arithmetic: K²·C_in·C_out + C_out per 3×3 convolution, n_in·n_out + n_out per
     * dense layer (fc1 reads the 7·7·512 = 25,088 flattened block5_pool features), 0 for pooling and flatten.
     */
    @Test
    void fullWidthCountsAreKerasVgg19AndTheSheetsArithmeticPerLayer() {
        NetworkCount count = Vgg19.builder().networks().get(0).count();
        Map<String, Long> expected = sheetArithmetic(new int[] {64, 128, 256, 512, 512}, 3, 7 * 7 * 512, 4096, 1000);
        assertThat(count.layers().get(0).name()).isEqualTo(Vgg19.INPUT);
        List<String> names = new ArrayList<>();
        for (LayerCount row : count.layers().subList(1, count.layers().size())) {
            names.add(row.name());
            assertThat(row.parameters()).as(row.name()).isEqualTo(expected.get(row.name()));
        }
        assertThat(names).containsExactlyElementsOf(Vgg19.layers(true));
        long convolutions = count.layers().stream()
                .filter(r -> Vgg19.blockOf(r.name()) > 0)
                .mapToLong(LayerCount::parameters)
                .sum();
        assertThat(convolutions).isEqualTo(20_024_384L); // Keras VGG19(include_top=False).count_params()
        assertThat(count.totalParameters()).isEqualTo(143_667_240L);
        assertThat(count.layers().stream().filter(r -> r.name().equals("block5_pool")))
                .singleElement()
                .satisfies(r -> assertThat(r.outputShape()).containsExactly(512, 7, 7));
    }

    /** Per-layer parameter counts by the sheet's formulas, computed here, not read from the network. */
    private static Map<String, Long> sheetArithmetic(int[] channels, int inChannels, int flat, int fc, int classes) {
        Map<String, Long> m = new java.util.HashMap<>();
        int in = inChannels;
        for (int b = 1; b <= 5; b++) {
            for (String conv : Vgg19.convolutions(b)) {
                m.put(conv, ParameterCount.conv(3, in, channels[b - 1]));
                in = channels[b - 1];
            }
            m.put(Vgg19.pool(b), ParameterCount.pooling());
        }
        m.put(Vgg19.FLATTEN, 0L);
        m.put(Vgg19.FC1, ParameterCount.dense(flat, fc));
        m.put(Vgg19.FC2, ParameterCount.dense(fc, fc));
        m.put(Vgg19.PREDICTIONS, ParameterCount.dense(fc, classes));
        return m;
    }

    @Test
    void widthMultiplierScalesChannelsAndFcAndTheAllocatedNetworkMatchesTheCount() {
        Vgg19.Builder b =
                Vgg19.builder().optWidth(0.125).optInputSize(64, 64, 3).optClasses(5);
        assertThat(List.of(b.channels(1), b.channels(2), b.channels(3), b.channels(4), b.channels(5)))
                .containsExactly(8, 16, 32, 64, 64);
        assertThat(b.fcSize()).isEqualTo(512);
        NetworkCount count = b.networks().get(0).count();
        Map<String, Long> expected = sheetArithmetic(new int[] {8, 16, 32, 64, 64}, 3, 2 * 2 * 64, 512, 5);
        for (LayerCount row : count.layers().subList(1, count.layers().size())) {
            assertThat(row.parameters()).as(row.name()).isEqualTo(expected.get(row.name()));
        }
        ComputationGraph g = b.init();
        assertThat(g.numParams()).isEqualTo(count.totalParameters());
        // a tiny multiplier never rounds a layer away
        Vgg19.Builder tiny = Vgg19.builder().optWidth(0.001);
        assertThat(tiny.channels(1)).isEqualTo(1);
        assertThat(tiny.fcSize()).isEqualTo(4);
    }

    /** Shapes after each block: same padding keeps H×W, each pool halves it with floor (Keras' "valid" pooling). */
    @Test
    void forwardShapesFollowTheBlocksAndPoolingFloors() {
        Vgg19.Builder b =
                Vgg19.builder().optWidth(0.0625).optInputSize(50, 70, 1).optClasses(3);
        ComputationGraph g = b.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 50, 70);
        Map<String, INDArray> acts = g.feedForward(x, false);
        assertThat(acts.get("block1_conv2").shape()).containsExactly(2, 4, 50, 70);
        assertThat(acts.get("block1_pool").shape()).containsExactly(2, 4, 25, 35);
        assertThat(acts.get("block2_pool").shape()).containsExactly(2, 8, 12, 17);
        assertThat(acts.get("block3_pool").shape()).containsExactly(2, 16, 6, 8);
        assertThat(acts.get("block4_pool").shape()).containsExactly(2, 32, 3, 4);
        assertThat(acts.get("block5_pool").shape()).containsExactly(2, 32, 1, 2);
        assertThat(b.featureType().getShape(false)).containsExactly(32, 1, 2);
        assertThat(acts.get(Vgg19.FLATTEN).shape()).containsExactly(2, 64);
        INDArray p = acts.get(Vgg19.PREDICTIONS);
        assertThat(p.shape()).containsExactly(2, 3);
        assertThat(p.sum(1).toDoubleVector())
                .containsExactly(new double[] {1, 1}, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void withoutTopTheGraphEndsAtBlock5Pool() {
        Vgg19.Builder b =
                Vgg19.builder().optWidth(0.0625).optInputSize(32, 32, 3).optIncludeTop(false);
        ComputationGraphConfiguration conf = b.build();
        assertThat(conf.getNetworkOutputs()).containsExactly("block5_pool");
        assertThat(conf.getVertices().keySet()).containsExactlyInAnyOrderElementsOf(Vgg19.layers(false));
        INDArray out = b.init().outputSingle(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32));
        assertThat(out.shape()).containsExactly(1, 32, 1, 1);
    }

    /** FastConvolution2D and DL4J's ConvolutionLayer give the same graph: same parameters, same outputs. */
    @Test
    void fastAndDl4jConvolutionsAgree() {
        Vgg19.Builder fast = Vgg19.builder()
                .optWidth(0.0625)
                .optInputSize(32, 32, 3)
                .optClasses(4)
                .optSeed(3);
        Vgg19.Builder plain = Vgg19.builder()
                .optWidth(0.0625)
                .optInputSize(32, 32, 3)
                .optClasses(4)
                .optSeed(3)
                .optFastConvolution(false);
        ComputationGraph a = fast.init();
        ComputationGraph c = plain.init();
        NdAssert.assertBitIdentical(a.params(), c.params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        NdAssert.assertAllClose(a.outputSingle(x), c.outputSingle(x), 1e-4, 1e-6);
    }

    @Test
    void blockNamesAreKerasNames() {
        assertThat(Vgg19.block(1)).containsExactly("block1_conv1", "block1_conv2", "block1_pool");
        assertThat(Vgg19.block(5))
                .containsExactly("block5_conv1", "block5_conv2", "block5_conv3", "block5_conv4", "block5_pool");
        assertThat(Vgg19.layers(true)).hasSize(16 + 5 + 4).endsWith("flatten", "fc1", "fc2", "predictions");
        assertThat(Vgg19.blockOf("block4_conv3")).isEqualTo(4);
        assertThat(Vgg19.blockOf("fc1")).isZero();
        assertThatThrownBy(() -> Vgg19.block(6))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Vgg19: block must be between 1 and 5, got 6");
    }

    @Test
    void refusesInputsTooSmallForFivePoolings() {
        assertThatThrownBy(() -> Vgg19.builder().optInputSize(28, 28, 1).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("inputSize")
                .hasMessageContaining("28x28")
                .hasMessageContaining("at least 32x32")
                .hasMessageContaining("resize");
        assertThatThrownBy(() -> Vgg19.builder().optWidth(0).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("width");
        assertThatThrownBy(() -> Vgg19.builder().optClasses(0).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Vgg19: classes must be >= 1, got 0");
    }
}

package org.sheetlab.models.vision.style;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/**
 * {@link StyleTransfer} against PyTorch autograd ({@code reference/style_transfer.py}: the same tiny VGG-shaped network
 * with the script's weights, the script's images; each loss term and dL/dpixels), against central differences in
 * DOUBLE, and against the named layers' activations read independently through DL4J's {@code feedForward}.
 */
@ExtendWith(DoublePrecision.class)
class StyleTransferTest {
    private static final ReferenceValues REF = ReferenceValues.load("/reference/style_transfer.json");

    /** StyleFeatureNet with widths 4, 6 and the script's weights (block2_conv2 exists but is never read). */
    private static ComputationGraph referenceNet() {
        ComputationGraph graph = StyleFeatureNet.builder()
                .optWidths(4, 6)
                .optInputSize(8, 8)
                .optDataType(DataType.DOUBLE)
                .init();
        REF.root().get("weights").fields().forEachRemaining(e -> {
            org.deeplearning4j.nn.api.Layer layer = graph.getLayer(e.getKey());
            INDArray w = ReferenceValues.array(e.getValue().get("W"));
            INDArray b = ReferenceValues.array(e.getValue().get("b"));
            layer.setParam("W", w.reshape(layer.getParam("W").shape()));
            layer.setParam("b", b.reshape(layer.getParam("b").shape()));
        });
        return graph;
    }

    private static StyleTransfer objective(ComputationGraph graph, JsonNode c) {
        Map<String, Double> style = new LinkedHashMap<>();
        for (int i = 0; i < c.get("styleLayers").size(); i++) {
            style.put(
                    c.get("styleLayers").get(i).asText(),
                    c.get("styleWeights").get(i).asDouble());
        }
        return StyleTransfer.on(graph)
                .content(c.get("contentLayer").asText())
                .style(style)
                .weights(
                        c.get("alpha").asDouble(),
                        c.get("beta").asDouble(),
                        c.get("gamma").asDouble())
                .targets(ReferenceValues.array(c.get("content")), ReferenceValues.array(c.get("style")));
    }

    @Test
    void lossesAndPixelGradientMatchPyTorch() {
        ComputationGraph graph = referenceNet();
        for (JsonNode c : REF.cases()) {
            StyleTransfer st = objective(graph, c);
            List<String> layers = new ArrayList<>(st.styleLayers().keySet());
            for (int i = 0; i < layers.size(); i++) {
                assertAllClose(
                        st.styleTargets().get(layers.get(i)),
                        ReferenceValues.array(c.get("styleGrams").get(i)),
                        1e-10,
                        1e-12);
            }
            StyleTransfer.Evaluation e = st.evaluate(ReferenceValues.array(c.get("generated")));
            String name = c.get("name").asText();
            assertThat(e.content()).as(name).isCloseTo(c.get("contentLoss").asDouble(), within(1e-12));
            assertThat(e.style()).as(name).isCloseTo(c.get("styleLoss").asDouble(), within(1e-12));
            for (int i = 0; i < layers.size(); i++) {
                assertThat(e.styleByLayer().get(layers.get(i)))
                        .as(name + " " + layers.get(i))
                        .isCloseTo(c.get("styleByLayer").get(i).asDouble(), within(1e-12));
            }
            assertThat(e.totalVariation()).as(name).isCloseTo(c.get("tv").asDouble(), within(1e-12));
            assertThat(e.total()).as(name).isCloseTo(c.get("total").asDouble(), within(1e-10));
            assertAllClose(e.gradient(), ReferenceValues.array(c.get("gradient")), 1e-8, 1e-11);
        }
    }

    /**
     * dL/dpixels against (L(G + h e_j) − L(G − h e_j)) / 2h for every pixel, h = 1e-6, in DOUBLE. ReLU and max pooling
     * have kinks; with random images none lies within h of a pixel's perturbation (the tolerance would show one).
     * |analytic − numeric| ≤ 1e-7 + 1e-5·|numeric|.
     */
    @Test
    void pixelGradientMatchesCentralDifferences() {
        ComputationGraph graph = referenceNet();
        JsonNode c = REF.cases().get(0);
        assertCentralDifferences(objective(graph, c), ReferenceValues.array(c.get("generated")), 1e-6);
    }

    /**
     * The same with Keras' caffe preprocessing in front (BGR, ×255, minus the ImageNet means): the gradient comes back
     * through the channel swap and the scale; h = 1e-7 pixel units (2.55e-5 in the network's input).
     */
    @Test
    void pixelGradientThroughTheImagenetPreprocessing() {
        ComputationGraph graph = referenceNet();
        JsonNode c = REF.cases().get(1);
        Map<String, Double> style = new LinkedHashMap<>(Map.of("block1_conv1", 1.0, "block2_conv1", 0.5));
        StyleTransfer st = StyleTransfer.on(graph)
                .content("block2_conv1")
                .style(style)
                .weights(1, 1e-3, 0)
                .pixels(PixelTransform.imagenetCaffe())
                .targets(ReferenceValues.array(c.get("content")), ReferenceValues.array(c.get("style")));
        INDArray g = ReferenceValues.array(c.get("generated"));
        // the content target is the activation of the transformed content image
        INDArray direct = StyleTransfer.activations(
                        graph,
                        PixelTransform.imagenetCaffe().apply(ReferenceValues.array(c.get("content"))),
                        List.of("block2_conv1"))
                .get("block2_conv1");
        assertAllClose(st.contentTarget(), direct, 1e-12, 1e-12);
        assertCentralDifferences(st, g, 1e-7);
    }

    /**
     * Through the project's {@link org.sheetlab.models.vision.Vgg19} (width 1/32, FastConvolution2D layers, no top,
     * 32×32) with the Gatys layers: content block4_conv2, style block1_conv1 … block5_conv1; every 23rd pixel.
     */
    @Test
    void pixelGradientThroughVgg19() {
        ComputationGraph vgg = org.sheetlab.models.vision.Vgg19.builder()
                .optInputSize(32, 32, 3)
                .optWidth(1.0 / 32)
                .optIncludeTop(false)
                .optDataType(DataType.DOUBLE)
                .optSeed(4)
                .init();
        Nd4j.getRandom().setSeed(6);
        INDArray content = Nd4j.rand(DataType.DOUBLE, 1, 3, 32, 32);
        INDArray style = Nd4j.rand(DataType.DOUBLE, 1, 3, 32, 32);
        StyleTransfer st = StyleTransfer.on(vgg)
                .content("block4_conv2")
                .style(List.of("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"))
                .weights(1, 10, 0)
                .targets(content, style);
        assertCentralDifferences(st, Nd4j.rand(DataType.DOUBLE, 1, 3, 32, 32), 1e-6, 23);
    }

    private static void assertCentralDifferences(StyleTransfer st, INDArray image, double h) {
        assertCentralDifferences(st, image, h, 1);
    }

    private static void assertCentralDifferences(StyleTransfer st, INDArray image, double h, int every) {
        INDArray g = image.dup();
        INDArray analytic = st.evaluate(g).gradient();
        int checked = 0;
        for (int j = 0; j < g.length(); j += every) {
            double v = g.getDouble(j);
            g.putScalar(j, v + h);
            double plus = st.evaluate(g).total();
            g.putScalar(j, v - h);
            double minus = st.evaluate(g).total();
            g.putScalar(j, v);
            double numeric = (plus - minus) / (2 * h);
            assertThat(analytic.getDouble(j))
                    .as("dL/dG[%d]", j)
                    .isCloseTo(numeric, within(1e-7 + 1e-5 * Math.abs(numeric)));
            checked++;
        }
        assertThat(checked).isEqualTo((int) ((g.length() + every - 1) / every));
        assertThat(analytic.norm2Number().doubleValue()).isGreaterThan(1e-6);
    }

    /**
     * The style loss is read from the layers named: for each single style layer, β = 1, α = 0, the loss equals the MSE
     * between Gram matrices computed here by plain loops from that layer's activations in DL4J's own
     * {@code feedForward}, and different names give different losses.
     */
    @Test
    void styleLayersAreReadFromTheNamedLayers() {
        ComputationGraph graph = StyleFeatureNet.builder()
                .optWidths(4, 6)
                .optInputSize(8, 8)
                .optDataType(DataType.DOUBLE)
                .optSeed(5)
                .init();
        Nd4j.getRandom().setSeed(3);
        INDArray content = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        INDArray style = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        INDArray generated = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        Map<String, INDArray> fs = graph.feedForward(new INDArray[] {style}, false, false);
        Map<String, INDArray> fg = graph.feedForward(new INDArray[] {generated}, false, false);
        Set<Double> losses = new HashSet<>();
        for (String layer : List.of("block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2")) {
            double value = StyleTransfer.on(graph)
                    .content("block1_conv1")
                    .style(Map.of(layer, 1.0))
                    .weights(0, 1, 0)
                    .targets(content, style)
                    .evaluate(generated)
                    .total();
            double[][] gs = gramByHand(fs.get(layer));
            double[][] gg = gramByHand(fg.get(layer));
            double sum = 0;
            for (int i = 0; i < gs.length; i++) {
                for (int k = 0; k < gs.length; k++) {
                    sum += (gg[i][k] - gs[i][k]) * (gg[i][k] - gs[i][k]);
                }
            }
            assertThat(value).as(layer).isCloseTo(sum / (gs.length * gs.length), within(1e-12 + 1e-9 * value));
            losses.add(value);
        }
        assertThat(losses).hasSize(5);
    }

    /** Σ_p a_cp a_c'p / (C·H·W) of one image [1, C, H, W], by loops. */
    private static double[][] gramByHand(INDArray a) {
        int c = (int) a.size(1);
        int h = (int) a.size(2);
        int w = (int) a.size(3);
        double[][] g = new double[c][c];
        for (int i = 0; i < c; i++) {
            for (int k = 0; k < c; k++) {
                double s = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        s += a.getDouble(0, i, y, x) * a.getDouble(0, k, y, x);
                    }
                }
                g[i][k] = s / (c * h * w);
            }
        }
        return g;
    }

    @Test
    void unknownLayerNamesAndMissingSettingsAreRefused() {
        ComputationGraph graph = StyleFeatureNet.builder()
                .optWidths(4)
                .optDataType(DataType.DOUBLE)
                .init();
        INDArray img = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        assertThatThrownBy(() -> StyleTransfer.on(graph)
                        .content("block4_conv2")
                        .style(List.of("block1_conv1"))
                        .targets(img, img))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no layer 'block4_conv2'")
                .hasMessageContaining("block1_conv1");
        assertThatThrownBy(() ->
                        StyleTransfer.on(graph).style(List.of("block1_conv1")).targets(img, img))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("content(name)");
        assertThatThrownBy(() -> StyleTransfer.on(graph)
                        .content("block1_conv1")
                        .style(List.of("block1_conv1"))
                        .weights(-1, 1, 0)
                        .targets(img, img))
                .hasMessageContaining("must be >= 0");
    }
}

package org.sheetlab.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.models.gradient.InputGradients;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/**
 * The residual and depthwise-separable blocks against PyTorch autograd ({@code reference/conv_blocks.py}): the same
 * input and weights give the same output y, and the same gradients of sum(y · dy) with respect to the input and every
 * parameter. PyTorch's layouts: conv weights [C_out, C_in, K, K] (DL4J's too), depthwise [C, 1, K, K] (DL4J's
 * DepthwiseConvolution2D stores [K, K, C, 1]), biases [C] (DL4J [1, C]).
 */
@ExtendWith(DoublePrecision.class)
class ConvBlocksReferenceTest {
    private static final double RTOL = 1e-9;
    private static final double ATOL = 1e-11;

    @Test
    void blocksMatchPyTorch() {
        int residual = 0;
        int separable = 0;
        for (JsonNode c : ReferenceValues.load("/reference/conv_blocks.json").cases()) {
            INDArray x = ReferenceValues.array(c.get("x"));
            long[] s = x.shape();
            InputType in = InputType.convolutional(s[2], s[3], s[1]);
            int cIn = c.get("channelsIn").asInt();
            int cOut = c.get("channelsOut").asInt();
            int stride = c.get("stride").asInt();
            int kernel = c.get("kernel").asInt();
            String what = c.get("kind").asText() + " " + cIn + "->" + cOut + " stride " + stride + " K " + kernel;
            // PyTorch name prefix -> DL4J vertex
            Map<String, String> keys = new LinkedHashMap<>();
            ComputationGraph net;
            if (c.get("kind").asText().equals("residual")) {
                residual++;
                Activation act = c.get("activation").asText().equals("relu") ? Activation.RELU : Activation.IDENTITY;
                ResidualBlock.Builder b = ResidualBlock.builder()
                        .setChannels(cIn, cOut)
                        .optStride(stride)
                        .optKernel(kernel)
                        .optActivation(act)
                        .optBatchNorm(false);
                net = BlockGraphs.init(BlockGraphs.bare(in, DataType.DOUBLE, (g, v) -> b.addTo(g, v, "r")));
                keys.put("conv1", "r_1");
                keys.put("conv2", "r_2");
                if (b.projects()) {
                    keys.put("proj", "r_proj");
                }
                assertThat(c.has("proj_w")).as(what).isEqualTo(b.projects());
            } else {
                separable++;
                DepthwiseSeparableBlock.Builder b = DepthwiseSeparableBlock.builder()
                        .setOutChannels(cOut)
                        .optStride(stride)
                        .optKernel(kernel)
                        .optBatchNorm(false);
                net = BlockGraphs.init(BlockGraphs.bare(in, DataType.DOUBLE, (g, v) -> b.addTo(g, v, "d")));
                keys.put("dw", "d_dw");
                keys.put("pw", "d");
                assertThat(c.get("clippedAt6").asInt())
                        .as(what + ": ReLU6's clip at 6 is exercised")
                        .isPositive();
            }
            for (Map.Entry<String, String> e : keys.entrySet()) {
                boolean depthwise = e.getKey().equals("dw");
                INDArray w = ReferenceValues.array(c.get(e.getKey() + "_w"));
                net.getLayer(e.getValue())
                        .setParam("W", depthwise ? w.permute(2, 3, 0, 1).dup('c') : w);
                net.getLayer(e.getValue())
                        .setParam(
                                "b",
                                ReferenceValues.array(c.get(e.getKey() + "_b")).reshape(1, -1));
            }
            INDArray dy = ReferenceValues.array(c.get("dy"));
            close(what + " y", net.outputSingle(x), ReferenceValues.array(c.get("y")));

            INDArray dx = InputGradients.ofOutput(net, new INDArray[] {x}, dy).get(0);
            close(what + " dx", dx, ReferenceValues.array(c.get("dx")));

            net.feedForward(new INDArray[] {x}, true, false);
            Gradient grad = net.backpropGradient(dy);
            for (Map.Entry<String, String> e : keys.entrySet()) {
                boolean depthwise = e.getKey().equals("dw");
                INDArray dw = grad.getGradientFor(e.getValue() + "_W");
                INDArray expectedW = ReferenceValues.array(c.get("d" + e.getKey() + "_w"));
                close(
                        what + " d" + e.getKey() + "_w",
                        depthwise ? dw.permute(2, 3, 0, 1) : dw,
                        expectedW); // [C, 1, K, K]
                close(
                        what + " d" + e.getKey() + "_b",
                        grad.getGradientFor(e.getValue() + "_b").reshape(-1),
                        ReferenceValues.array(c.get("d" + e.getKey() + "_b")));
            }
        }
        assertThat(residual).isEqualTo(3);
        assertThat(separable).isEqualTo(3);
    }

    /** The catalog's counts equal those of the same layouts built in PyTorch (parameters + BN running statistics). */
    @Test
    void catalogCountsMatchPyTorchModelsOfTheSameLayout() {
        JsonNode models =
                ReferenceValues.load("/reference/conv_blocks.json").root().get("models");
        for (String name : new String[] {"resnet-small", "mobilenet-small"}) {
            assertThat(org.sheetlab.models.catalog.ModelCatalog.networks(name, 1)
                            .get(0)
                            .count()
                            .totalParameters())
                    .as(name)
                    .isEqualTo(models.get(name).asLong());
        }
    }

    private static void close(String what, INDArray actual, INDArray expected) {
        try {
            assertAllClose(actual, expected, RTOL, ATOL);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }
}

package org.sheetlab.layers.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/** Forward and backward of every pooling layer against PyTorch autograd (pooling.py → pooling.json), to 1e-6. */
@ExtendWith(DoublePrecision.class)
class PoolingReferenceTest {
    static Layer instantiate(org.deeplearning4j.nn.conf.layers.Layer conf) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .layer(conf)
                .build();
        return conf.instantiate(nnc, List.of(), 0, null, true, DataType.DOUBLE);
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerFor(JsonNode c) {
        String kind = c.get("kind").asText();
        return switch (kind) {
            case "ppool", "logavg" -> {
                int[] k = ints(c.get("kernel"));
                int[] s = ints(c.get("stride"));
                int[] p = ints(c.get("padding"));
                yield kind.equals("ppool")
                        ? new PPooling2D.Builder()
                                .p(c.get("p").asDouble())
                                .kernelSize(k[0], k[1])
                                .stride(s[0], s[1])
                                .padding(p[0], p[1])
                                .build()
                        : new LogAveragePooling2D.Builder()
                                .kernelSize(k[0], k[1])
                                .stride(s[0], s[1])
                                .padding(p[0], p[1])
                                .build();
            }
            case "global_ppool" ->
                new GlobalPPooling.Builder().p(c.get("p").asDouble()).build();
            case "global_logavg" -> new GlobalLogAveragePooling.Builder().build();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Test
    void forwardAndBackwardMatchPyTorchAutograd() {
        List<JsonNode> cases = ReferenceValues.load("/reference/pooling.json").cases();
        assertThat(cases).hasSizeGreaterThan(60);
        int checked = 0;
        for (JsonNode c : cases) {
            Layer layer = instantiate(layerFor(c));
            INDArray x = ReferenceValues.array(c.get("x"));
            layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
            INDArray y = layer.activate(false, LayerWorkspaceMgr.noWorkspaces());
            assertAllClose(y, ReferenceValues.array(c.get("y")), 1e-10, 1e-10);
            INDArray dx = layer.backpropGradient(ReferenceValues.array(c.get("dy")), LayerWorkspaceMgr.noWorkspaces())
                    .getSecond();
            assertAllClose(dx, ReferenceValues.array(c.get("dx")), 1e-10, 1e-10);
            checked++;
        }
        assertThat(checked).isEqualTo(cases.size());
    }

    /**
     * The same cases in FLOAT, where p = 2, p = 3 and log-average pooling take the float fast path
     * ({@link FloatWindowKernel}) and the other p the general kernel: PyTorch's double values to float rounding.
     */
    @Test
    void floatLayersMatchPyTorchAutogradToFloatRounding() {
        int fast = 0;
        for (JsonNode c : ReferenceValues.load("/reference/pooling.json").cases()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layerFor(c);
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.FLOAT)
                    .layer(conf)
                    .build();
            Layer layer = conf.instantiate(nnc, List.of(), 0, null, true, DataType.FLOAT);
            INDArray x = ReferenceValues.array(c.get("x")).castTo(DataType.FLOAT);
            layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
            INDArray y = layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
            if (layer instanceof WindowPoolingLayer w && w.fastPathCached()) {
                fast++;
            }
            assertAllClose(y.castTo(DataType.DOUBLE), ReferenceValues.array(c.get("y")), 2e-6, 2e-6);
            INDArray dy = ReferenceValues.array(c.get("dy")).castTo(DataType.FLOAT);
            INDArray dx =
                    layer.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond();
            assertAllClose(dx.castTo(DataType.DOUBLE), ReferenceValues.array(c.get("dx")), 2e-5, 2e-6);
        }
        assertThat(fast).as("cases on the fast path (p = 2, 3, log-average)").isGreaterThanOrEqualTo(30);
    }
}

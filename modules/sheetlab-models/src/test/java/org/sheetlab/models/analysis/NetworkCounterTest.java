package org.sheetlab.models.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.counting.ConvArithmetic;
import org.sheetlab.core.counting.ParameterCount;
import org.sheetlab.models.catalog.ModelCatalog;
import org.sheetlab.models.mlp.FinalQ5Network;

class NetworkCounterTest {
    @Test
    void finalQ5FromTheSheet() {
        NetworkCount count =
                NetworkCounter.count(FinalQ5Network.builder().setInputSize(400).build(), InputType.feedForward(400));
        assertThat(count.totalParameters()).isEqualTo(151_410);
        assertThat(count.totalActivationsPerSample()).isEqualTo(810);
        assertThat(count.totalActivationsForBatch(32)).isEqualTo(32 * 810);
        assertThat(count.layers()).extracting(LayerCount::parameters).containsExactly(0L, 120_300L, 30_100L, 1_010L);
        assertThat(count.layers()).extracting(LayerCount::activationsPerSample).containsExactly(400L, 300L, 100L, 10L);
        assertThat(count.layers().get(1).activationsForBatch(64)).isEqualTo(64 * 300);
        assertThat(count.layers()).extracting(LayerCount::name).containsExactly("input", "dense1", "dense2", "output");
        String table = count.toTable(1);
        assertThat(table).contains("151,410").contains("810").contains("120,300");
    }

    @Test
    void tableColumnsStayAlignedForLongLayerNames() {
        NetworkCount count = new NetworkCount(java.util.List.of(
                new LayerCount("in", "InputType", new long[] {1, 8}, 0, 8),
                new LayerCount("stage2_block1_1_conv", "FastConvolution2D", new long[] {1, 32, 4, 4}, 4_640, 512)));
        String[] lines = count.toTable(1).split("\n");
        // the parameter column ends at the same character on the header, both layers and the total
        int end = lines[0].indexOf("parameters") + "parameters".length();
        assertThat(lines[1].substring(0, end)).endsWith(" 0");
        assertThat(lines[2].substring(0, end)).endsWith(" 4,640").startsWith("stage2_block1_1_conv ");
        assertThat(lines[3].substring(0, end)).endsWith(" 4,640").startsWith("total");
    }

    @Test
    void countsEqualWhatDl4jAllocates() {
        MultiLayerConfiguration conf =
                FinalQ5Network.builder().setInputSize(784).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        NetworkCount count = NetworkCounter.count(conf, InputType.feedForward(784));
        assertThat(count.totalParameters()).isEqualTo(net.numParams()).isEqualTo(266_610);
        // activation per sample = the width of each layer's real output
        var acts = net.feedForward(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 784), false);
        for (int i = 0; i < acts.size(); i++) {
            assertThat(count.layers().get(i).activationsPerSample())
                    .isEqualTo(acts.get(i).size(1));
        }
        assertThat(ModelCatalog.networks("final-q5", 400).get(0).count().layers())
                .hasSize(4);
        assertThatThrownBy(() -> ModelCatalog.networks("nope", 3)).hasMessageContaining("final-q5");
    }

    /** Conv params K²·C_in·C_out + C_out, none for pooling, and O = ⌊(W−K+2P)/S⌋+1 against DL4J's own shapes. */
    @Test
    void convolutionArithmeticMatchesDl4j() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .name("conv_same")
                        .nOut(16)
                        .stride(1, 1)
                        .padding(1, 1)
                        .activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX)
                        .name("maxpool")
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .name("conv_s2")
                        .nOut(8)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG)
                        .name("avgpool")
                        .kernelSize(2, 2)
                        .stride(1, 1)
                        .build())
                .layer(new ConvolutionLayer.Builder(1, 1)
                        .name("conv_1x1")
                        .nOut(4)
                        .build())
                .layer(new OutputLayer.Builder()
                        .name("out")
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(28, 28, 3))
                .build();
        NetworkCount count = NetworkCounter.count(conf, InputType.convolutional(28, 28, 3));
        long o1 = ConvArithmetic.outputSize(28, 3, ConvArithmetic.samePadding(3), 1); // 28
        long o2 = ConvArithmetic.outputSize(o1, 2, 0, 2); // 14
        long o3 = ConvArithmetic.outputSize(o2, 3, 0, 2); // 6
        long o4 = ConvArithmetic.outputSize(o3, 2, 0, 1); // 5
        assertThat(new long[] {o1, o2, o3, o4}).containsExactly(28, 14, 6, 5);
        assertThat(count.layers().get(1).outputShape()).containsExactly(16, o1, o1);
        assertThat(count.layers().get(2).outputShape()).containsExactly(16, o2, o2);
        assertThat(count.layers().get(3).outputShape()).containsExactly(8, o3, o3);
        assertThat(count.layers().get(4).outputShape()).containsExactly(8, o4, o4);
        assertThat(count.layers().get(5).outputShape()).containsExactly(4, o4, o4);
        assertThat(count.layers())
                .extracting(LayerCount::parameters)
                .containsExactly(
                        0L,
                        ParameterCount.conv(3, 3, 16),
                        ParameterCount.pooling(),
                        ParameterCount.conv(3, 16, 8),
                        ParameterCount.pooling(),
                        ParameterCount.conv(1, 8, 4),
                        ParameterCount.dense(4 * o4 * o4, 10));
        assertThat(count.layers().get(2).activationsPerSample()).isEqualTo(16 * 14 * 14);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertThat(count.totalParameters()).isEqualTo(net.numParams());
        // DL4J's real forward pass has the shapes the formula predicts
        var acts = net.feedForward(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 28, 28), false);
        for (int i = 1; i < 6; i++) {
            long[] shape = acts.get(i).shape();
            assertThat(java.util.Arrays.copyOfRange(shape, 1, shape.length))
                    .as("layer %d", i)
                    .containsExactly(count.layers().get(i).outputShape());
        }
    }

    @Test
    void computationGraphWithAResidualSkip() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("x")
                .addLayer(
                        "dense1",
                        new DenseLayer.Builder()
                                .nOut(300)
                                .activation(Activation.RELU)
                                .build(),
                        "x")
                .addLayer(
                        "dense2",
                        new DenseLayer.Builder()
                                .nOut(300)
                                .activation(Activation.RELU)
                                .build(),
                        "dense1")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "dense2", "dense1")
                .addLayer(
                        "out",
                        new OutputLayer.Builder()
                                .nOut(10)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "skip")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(400))
                .build();
        NetworkCount count = NetworkCounter.count(conf, InputType.feedForward(400));
        assertThat(count.layers()).extracting(LayerCount::name).containsExactly("x", "dense1", "dense2", "skip", "out");
        assertThat(count.layers())
                .extracting(LayerCount::parameters)
                .containsExactly(0L, 120_300L, 90_300L, 0L, 3_010L);
        assertThat(count.totalActivationsPerSample()).isEqualTo(400 + 300 + 300 + 300 + 10);
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        assertThat(count.totalParameters()).isEqualTo(graph.numParams());
        assertThatThrownBy(() -> NetworkCounter.count(conf)).hasMessageContaining("1 inputs");
    }

    @Test
    void configurationWithoutNInIsExplained() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .list()
                .layer(new DenseLayer.Builder().nOut(3).build())
                .layer(new OutputLayer.Builder().nIn(3).nOut(2).build())
                .build();
        assertThatThrownBy(() -> NetworkCounter.count(conf, InputType.feedForward(5)))
                .hasMessageContaining("nIn")
                .hasMessageContaining("setInputType");
    }
}

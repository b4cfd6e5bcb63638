package org.sheetlab.models.mlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;

/** {@link FinalQ5Network.Builder#buildGraph()}: the same network as a ComputationGraph. */
class FinalQ5GraphTest {
    @Test
    void graphHasTheSheetsLayersAndCounts() {
        FinalQ5Network.Builder b = FinalQ5Network.builder().setInputSize(400);
        ComputationGraphConfiguration conf = b.buildGraph();
        assertThat(conf.getNetworkInputs()).containsExactly("input");
        assertThat(conf.getNetworkOutputs()).containsExactly("output");
        assertThat(conf.getVertexInputs())
                .containsEntry("dense1", java.util.List.of("input"))
                .containsEntry("dense2", java.util.List.of("dense1"))
                .containsEntry("output", java.util.List.of("dense2"))
                .hasSize(3);
        NetworkCount count = NetworkCounter.count(conf, b.inputType());
        assertThat(count.totalParameters()).isEqualTo(151_410);
        assertThat(count.totalActivationsPerSample()).isEqualTo(810);
        assertThat(b.inputType()).isEqualTo(InputType.feedForward(400));
    }

    /** Same seed: the graph's initial parameters and outputs equal the MultiLayerNetwork's, element for element. */
    @Test
    void sameSeedGivesTheSameInitialParametersAsTheMultiLayerNetwork() {
        for (long seed : new long[] {42, 7}) {
            FinalQ5Network.Builder b =
                    FinalQ5Network.builder().setInputSize(784).optSeed(seed);
            MultiLayerNetwork mln = new MultiLayerNetwork(b.build());
            mln.init();
            ComputationGraph graph = new ComputationGraph(b.buildGraph());
            graph.init();
            assertThat(graph.numParams()).isEqualTo(mln.numParams()).isEqualTo(266_610);
            assertBitIdentical(graph.params(), mln.params());
            for (String layer : FinalQ5Network.LAYER_NAMES) {
                assertBitIdentical(
                        graph.getLayer(layer).params(), mln.getLayer(layer).params());
            }
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 784);
            assertBitIdentical(graph.outputSingle(x), mln.output(x));
        }
    }
}

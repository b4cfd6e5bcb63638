package org.sheetlab.models.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.counting.ParameterCount;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.models.analysis.LayerCount;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.testing.NdAssert;

class Vgg19TransferTest {
    private static final Vgg19.Builder SMALL = Vgg19.builder()
            .optWidth(0.0625)
            .optInputSize(32, 32, 3)
            .optClasses(10)
            .optSeed(11);

    private static DataSet randomBatch(int batch, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, 32, 32);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % classes, 1);
        }
        return new DataSet(x, y);
    }

    private static Map<String, INDArray> paramsByLayer(ComputationGraph g) {
        Map<String, INDArray> m = new HashMap<>();
        for (Layer l : g.getLayers()) {
            if (l.numParams() > 0) {
                m.put(l.getConfig().getLayerName(), l.params().dup());
            }
        }
        return m;
    }

    /**
     * The sheet's strategy: after fit steps, block1–block3 are bit-identical, every layer of block4, block5 and the
     * head moved, and the source graph is untouched (the transferred graph has its own copy of the parameters).
     */
    @Test
    void afterFitTheFrozenBlocksAreBitIdenticalAndTheRestMoved() {
        ComputationGraph vgg = SMALL.init();
        Map<String, INDArray> source = paramsByLayer(vgg);
        ComputationGraph net = Vgg19Transfer.builder()
                .optUpdater(new org.nd4j.linalg.learning.config.Adam(1e-2))
                .transfer(vgg);
        Map<String, INDArray> before = paramsByLayer(net);
        for (int b = 1; b <= 5; b++) {
            for (String conv : Vgg19.convolutions(b)) {
                NdAssert.assertBitIdentical(before.get(conv), source.get(conv)); // kept layers keep their weights
            }
        }
        assertThat(net.getConfiguration().getNetworkOutputs()).containsExactly(Vgg19Transfer.HEAD_OUTPUT);
        assertThat(net.getConfiguration().getVertices()).doesNotContainKeys("fc1", "fc2", "predictions", "flatten");
        for (int step = 0; step < 3; step++) {
            net.fit(randomBatch(8, 5, step));
        }
        Map<String, INDArray> after = paramsByLayer(net);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String layer : after.keySet()) {
            int block = Vgg19.blockOf(layer);
            if (block >= 1 && block <= 3) {
                assertThat(Vgg19Transfer.isFrozen(net, layer)).as(layer).isTrue();
                NdAssert.assertBitIdentical(after.get(layer), before.get(layer));
            } else {
                assertThat(Vgg19Transfer.isFrozen(net, layer)).as(layer).isFalse();
                assertThat(differing(after.get(layer), before.get(layer)))
                        .as(layer + " moved")
                        .isPositive();
            }
        }
        Map<String, INDArray> sourceAfter = paramsByLayer(vgg);
        for (String layer : source.keySet()) {
            NdAssert.assertBitIdentical(sourceAfter.get(layer), source.get(layer));
        }
        assertThat(net.outputSingle(randomBatch(2, 5, 9).getFeatures()).shape()).containsExactly(2, 5);
    }

    private static long differing(INDArray a, INDArray b) {
        float[] x = a.toFloatVector();
        float[] y = b.toFloatVector();
        long n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                n++;
            }
        }
        return n;
    }

    /** "More data → unfreeze more layers": freezeThrough(k) freezes exactly blocks 1..k, for k = 0..5. */
    @Test
    void freezeThroughKFreezesExactlyBlocksOneToK() {
        ComputationGraph vgg = SMALL.init();
        for (int k = 0; k <= 5; k++) {
            ComputationGraph net = Vgg19Transfer.builder().optFreezeThrough(k).transfer(vgg);
            long trainable = 0;
            for (Layer l : net.getLayers()) {
                String name = l.getConfig().getLayerName();
                int block = Vgg19.blockOf(name);
                boolean frozen = block >= 1 && block <= k;
                assertThat(Vgg19Transfer.isFrozen(net, name))
                        .as("k=" + k + " " + name)
                        .isEqualTo(frozen);
                trainable += frozen ? 0 : l.numParams();
            }
            assertThat(Vgg19Transfer.trainableParameters(net)).as("k=" + k).isEqualTo(trainable);
        }
    }

    /**
     * Per-block parameter counts of the transferred network equal the sheet's arithmetic, on the real VGG19 at
     * 224×224×3 (without its top): blocks K²·C_in·C_out + C_out, head Flatten(7·7·512 = 25,088) → 256 → 5.
     */
    @Test
    void countsPerBlockAreTheSheetsArithmeticOnTheRealVgg19() {
        Vgg19.Builder b = Vgg19.builder().optIncludeTop(false);
        ComputationGraph net =
                Vgg19Transfer.builder().optInputType(b.inputType()).transfer(b.init());
        NetworkCount count = NetworkCounter.count(net.getConfiguration(), b.inputType());
        long[] perBlock = new long[6];
        for (LayerCount row : count.layers()) {
            perBlock[Vgg19.blockOf(row.name())] += row.parameters();
        }
        int[] channels = {3, 64, 128, 256, 512, 512};
        for (int block = 1; block <= 5; block++) {
            long expected = ParameterCount.conv(3, channels[block - 1], channels[block]);
            for (int j = 1; j < Vgg19.convolutionCount(block); j++) {
                expected += ParameterCount.conv(3, channels[block], channels[block]);
            }
            assertThat(perBlock[block]).as("block " + block).isEqualTo(expected);
        }
        long head = ParameterCount.dense(7 * 7 * 512, 256) + ParameterCount.dense(256, 5);
        assertThat(head).isEqualTo(6_424_069L);
        assertThat(perBlock[0]).as("head").isEqualTo(head);
        assertThat(count.totalParameters()).isEqualTo(20_024_384L + head).isEqualTo(net.numParams());
        assertThat(Vgg19Transfer.trainableParameters(net)).isEqualTo(perBlock[4] + perBlock[5] + head);
    }

    /**
     * The transferred graph (FrozenLayers around FastConvolution2D, the new head) survives JSON and ModelSerializer
     * with its updater state after a fit, so the harness can checkpoint and resume it; frozen layers stay frozen.
     */
    @Test
    void transferredGraphRoundTripsAndStaysFrozen() {
        ComputationGraph net = Vgg19Transfer.builder().transfer(SMALL.init());
        net.fit(randomBatch(4, 5, 1));
        ComputationGraph restored = org.sheetlab.testing.RoundTrips.assertRoundTrips(
                net, randomBatch(2, 5, 2).getFeatures());
        for (String layer : Vgg19.block(3)) {
            assertThat(Vgg19Transfer.isFrozen(restored, layer)).as(layer).isTrue();
        }
        assertThat(Vgg19Transfer.isFrozen(restored, "block4_conv1")).isFalse();
        assertThat(Vgg19Transfer.trainableParameters(restored)).isEqualTo(Vgg19Transfer.trainableParameters(net));
    }

    @Test
    void badSettingsAndGraphsGiveClearErrors() {
        ComputationGraph vgg = SMALL.init();
        assertThatThrownBy(() -> Vgg19Transfer.builder().optFreezeThrough(6).transfer(vgg))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("freezeThrough")
                .hasMessageContaining("got 6");
        ComputationGraph noTop = Vgg19.builder()
                .optWidth(0.0625)
                .optInputSize(32, 32, 3)
                .optIncludeTop(false)
                .init();
        assertThatThrownBy(() -> Vgg19Transfer.builder().transfer(noTop))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("optInputType");
        ComputationGraph other = org.sheetlab.models.mlp.FinalQ5Network.builder()
                .setInputSize(4)
                .asGraph()
                .init();
        assertThatThrownBy(() -> Vgg19Transfer.builder().transfer(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no vertex 'block1_conv1'");
        assertThat(List.of(Vgg19Transfer.HEAD_FLATTEN, Vgg19Transfer.HEAD_DENSE, Vgg19Transfer.HEAD_OUTPUT))
                .doesNotContainAnyElementsOf(Vgg19.layers(true));
    }
}

package org.sheetlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.train.eval.AccuracyEvaluator;
import org.sheetlab.train.eval.LossEvaluator;
import org.sheetlab.train.eval.Networks;
import org.sheetlab.train.run.RunDirectory;

/**
 * The harness on small synthetic data: metrics by name, a run interrupted mid-epoch and resumed ends bit-identical to
 * an uninterrupted one (MultiLayerNetwork with dropout, ComputationGraph, and a custom two-network step), a folder
 * holding a run is refused without resume, and a checkpoint from other settings is refused.
 */
class LocalTrainingLoopTest {
    @TempDir
    Path tmp;

    private static LabeledArrays data(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 6);
        int[] ids = new int[n];
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            ids[i] = x.getDouble(i, 0) + x.getDouble(i, 1) > 1 ? (x.getDouble(i, 2) > 0.5 ? 2 : 1) : 0;
            y.putScalar(i, ids[i], 1);
        }
        return new LabeledArrays(x, y, ids, List.of("a", "b", "c"));
    }

    private static MultiLayerNetwork mlp(long seed, double dropout) {
        var b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-2))
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(8)
                        .activation(Activation.RELU)
                        .dropOut(dropout)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(6));
        MultiLayerConfiguration conf = b.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static ComputationGraph graph(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-2))
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "dense",
                        new DenseLayer.Builder()
                                .nOut(8)
                                .activation(Activation.TANH)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(3)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "dense")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(6))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder()
                .seed(7)
                .epochs(3)
                .batchSize(16)
                .checkpointEvery(2)
                .progressBar(false);
    }

    private static List<EvaluationSet> eval(LabeledArrays test) {
        return List.of(EvaluationSet.of("test", test.orderedSource(16), new LossEvaluator(), new AccuracyEvaluator()));
    }

    /** Stops the process-like run after a given number of batches, as kill -9 would (no clean-up runs). */
    private static final class Kill extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static TrainingListener killAfter(int batches) {
        return new TrainingListener() {
            int seen;

            @Override
            public void onBatch(TrainingStep step, int epoch, int batch, double loss) {
                if (++seen == batches) {
                    throw new Kill();
                }
            }
        };
    }

    @Test
    void metricsCarryEveryEvaluatorsNameAndFilesAreWritten() throws Exception {
        LabeledArrays train = data(100, 1);
        LabeledArrays test = data(40, 2);
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        TrainingResult r = new LocalTrainingLoop(run, config().build(), "t")
                .fit(NetworkStep.of(mlp(7, 1.0)), train.shuffledSource(16, 7), eval(test));
        assertThat(r.history()).hasSize(3);
        assertThat(r.last().metrics()).containsOnlyKeys("testLoss", "testAccuracy");
        assertThat(r.last().batches()).isEqualTo(7); // ceil(100 / 16)
        // the loss evaluator equals the network's own score on the whole test set (one batch of 40 = mean)
        MultiLayerNetwork net = (MultiLayerNetwork) r.model();
        double whole = net.score(new org.nd4j.linalg.dataset.DataSet(test.features(), test.labels()), false);
        assertThat(r.last().testLoss()).isCloseTo(whole, org.assertj.core.data.Offset.offset(1e-6));
        for (String f : List.of("metrics.json", "curves.png", "model.zip", Checkpoints.FILE)) {
            assertThat(run.resolve(f)).isRegularFile();
        }
        String json = Files.readString(run.resolve("metrics.json"));
        assertThat(json).contains("\"testLoss\"", "\"testAccuracy\"", "\"trainLoss\"");
    }

    private static INDArray params(Model m) {
        return m.params().dup();
    }

    /** The updater's state (Adam's m and v here) of a MultiLayerNetwork or ComputationGraph. */
    private static INDArray updaterState(Model m) {
        return m instanceof ComputationGraph g
                ? g.getUpdater().getStateViewArray()
                : ((MultiLayerNetwork) m).getUpdater().getStateViewArray();
    }

    @Test
    void aRunKilledMidEpochResumesBitIdenticallyWithDropout() {
        LabeledArrays train = data(100, 1);
        LabeledArrays test = data(40, 2);
        TrainingResult full = new LocalTrainingLoop(new RunDirectory(tmp.resolve("full")), config().build(), "t")
                .fit(NetworkStep.of(mlp(7, 0.7)), train.shuffledSource(16, 7), eval(test));

        RunDirectory run = new RunDirectory(tmp.resolve("killed"));
        assertThatThrownBy(() -> new LocalTrainingLoop(run, config().build(), "t")
                        .addListener(killAfter(11))
                        .fit(NetworkStep.of(mlp(7, 0.7)), train.shuffledSource(16, 7), eval(test)))
                .isInstanceOf(Kill.class);
        // the last checkpoint is at epoch 2, batch 4 (every 2 batches: 7 + 4 = 11 batches run, 10 saved)
        TrainingResult resumed = new LocalTrainingLoop(
                        run, config().resume(true).build(), "t")
                .fit(NetworkStep.of(mlp(7, 0.7)), train.shuffledSource(16, 7), eval(test));
        assertBitIdentical(params(resumed.model()), params(full.model()));
        assertBitIdentical(updaterState(resumed.model()), updaterState(full.model()));
        assertThat(resumed.history()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(resumed.history().get(i).trainLoss())
                    .isEqualTo(full.history().get(i).trainLoss());
            assertThat(resumed.history().get(i).metrics())
                    .isEqualTo(full.history().get(i).metrics());
        }
    }

    @Test
    void aComputationGraphResumesBitIdentically() {
        LabeledArrays train = data(100, 1);
        LabeledArrays test = data(40, 2);
        TrainingResult full = new LocalTrainingLoop(new RunDirectory(tmp.resolve("full")), config().build(), "t")
                .fit(NetworkStep.of(graph(7)), train.shuffledSource(16, 7), eval(test));
        RunDirectory run = new RunDirectory(tmp.resolve("killed"));
        assertThatThrownBy(() -> new LocalTrainingLoop(run, config().build(), "t")
                        .addListener(killAfter(9))
                        .fit(NetworkStep.of(graph(7)), train.shuffledSource(16, 7), eval(test)))
                .isInstanceOf(Kill.class);
        TrainingResult resumed = new LocalTrainingLoop(
                        run, config().resume(true).build(), "t")
                .fit(NetworkStep.of(graph(7)), train.shuffledSource(16, 7), eval(test));
        assertThat(resumed.model()).isInstanceOf(ComputationGraph.class);
        assertBitIdentical(params(resumed.model()), params(full.model()));
        assertBitIdentical(updaterState(resumed.model()), updaterState(full.model()));
        assertThat(resumed.last().metrics()).isEqualTo(full.last().metrics());
    }

    /** A loop of its own: two networks trained alternately, plus a counter in the step state. */
    static final class TwoNetworks implements TrainingStep {
        MultiLayerNetwork a;
        MultiLayerNetwork b;
        int steps;

        TwoNetworks(long seed) {
            a = mlp(seed, 1.0);
            b = mlp(seed + 1, 1.0);
        }

        @Override
        public double fit(MultiDataSet batch) {
            MultiLayerNetwork net = steps++ % 2 == 0 ? a : b;
            net.fit(ArrayDataSource.toDataSet(batch));
            return net.score();
        }

        @Override
        public Map<String, Model> networks() {
            Map<String, Model> m = new LinkedHashMap<>();
            m.put("a", a);
            m.put("b", b);
            return m;
        }

        @Override
        public void restore(Map<String, Model> networks) {
            a = (MultiLayerNetwork) networks.get("a");
            b = (MultiLayerNetwork) networks.get("b");
        }

        @Override
        public Map<String, Object> saveState() {
            return Map.of("steps", steps);
        }

        @Override
        public void restoreState(Map<String, Object> state) {
            steps = ((Number) state.get("steps")).intValue();
        }
    }

    @Test
    void aCustomStepWithTwoNetworksResumesBitIdentically() {
        LabeledArrays train = data(100, 1);
        LabeledArrays test = data(40, 2);
        TwoNetworks full = new TwoNetworks(3);
        new LocalTrainingLoop(new RunDirectory(tmp.resolve("full")), config().build(), "t")
                .fit(full, train.shuffledSource(16, 7), eval(test));
        RunDirectory run = new RunDirectory(tmp.resolve("killed"));
        assertThatThrownBy(() -> new LocalTrainingLoop(run, config().build(), "t")
                        .addListener(killAfter(13))
                        .fit(new TwoNetworks(3), train.shuffledSource(16, 7), eval(test)))
                .isInstanceOf(Kill.class);
        TwoNetworks resumed = new TwoNetworks(3);
        new LocalTrainingLoop(run, config().resume(true).build(), "t")
                .fit(resumed, train.shuffledSource(16, 7), eval(test));
        assertThat(resumed.steps).isEqualTo(full.steps).isEqualTo(21);
        assertBitIdentical(params(resumed.a), params(full.a));
        assertBitIdentical(params(resumed.b), params(full.b));
        assertBitIdentical(updaterState(resumed.a), updaterState(full.a));
        assertBitIdentical(updaterState(resumed.b), updaterState(full.b));
        assertThat(params(resumed.a)).isNotEqualTo(params(resumed.b));
        assertThat(run.resolve("model-b.zip")).isRegularFile();
    }

    @Test
    void aFolderWithARunIsRefusedWithoutResumeAndOtherSettingsAreRefusedOnResume() {
        LabeledArrays train = data(50, 1);
        LabeledArrays test = data(20, 2);
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        new LocalTrainingLoop(run, config().epochs(1).build(), "t")
                .fit(NetworkStep.of(mlp(7, 1.0)), train.shuffledSource(16, 7), eval(test));
        assertThatThrownBy(() -> new LocalTrainingLoop(run, config().epochs(1).build(), "t")
                        .fit(NetworkStep.of(mlp(7, 1.0)), train.shuffledSource(16, 7), eval(test)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds a run")
                .hasMessageContaining("use resume to continue it")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("--"));
        assertThatThrownBy(() -> new LocalTrainingLoop(
                                run, config().seed(8).epochs(2).resume(true).build(), "t")
                        .fit(NetworkStep.of(mlp(7, 1.0)), train.shuffledSource(16, 8), eval(test)))
                .isInstanceOf(org.sheetlab.core.settings.InvalidSettingException.class)
                .hasMessageContaining("was made with seed 7; resume with the same seed (got 8)")
                .extracting(e -> ((org.sheetlab.core.settings.InvalidSettingException) e).setting())
                .isEqualTo("seed");
    }

    @Test
    void aCorruptCheckpointGivesOneClearError() throws Exception {
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        Files.write(run.resolve(Checkpoints.FILE), new byte[] {1, 2, 3});
        assertThatThrownBy(
                        () -> new LocalTrainingLoop(run, config().resume(true).build(), "t")
                                .fit(NetworkStep.of(mlp(7, 1.0)), data(20, 1).shuffledSource(16, 7), eval(data(20, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt or unreadable");
    }

    @Test
    void earlyStoppingFollowsTheMonitoredMetric() {
        EpochMetrics e1 = new EpochMetrics(1, 1, 1.0, Map.of("testLoss", 0.5, "testAccuracy", 0.7), 1, 1);
        EpochMetrics e2 = new EpochMetrics(2, 1, 0.9, Map.of("testLoss", 0.6, "testAccuracy", 0.8), 1, 1);
        EpochMetrics e3 = new EpochMetrics(3, 1, 0.8, Map.of("testLoss", 0.7, "testAccuracy", 0.75), 1, 1);
        List<EpochMetrics> h = List.of(e1, e2, e3);
        assertThat(EarlyStopping.shouldStop(h, "testLoss", false, 2)).isTrue();
        assertThat(EarlyStopping.shouldStop(h, "testLoss", false, 3)).isFalse();
        assertThat(EarlyStopping.shouldStop(h, "testAccuracy", true, 2)).isFalse();
        assertThat(EarlyStopping.shouldStop(h, "testAccuracy", true, 1)).isTrue();
        assertThat(EarlyStopping.isBest(h.subList(0, 2), "testAccuracy", true)).isTrue();
        assertThat(EarlyStopping.isBest(h.subList(0, 2), "testLoss", false)).isFalse();
        assertThatThrownBy(() -> e1.metric("validationLoss")).hasMessageContaining("testLoss");
    }

    @Test
    void batchSeedsDifferAcrossPositions() {
        assertThat(LocalTrainingLoop.batchSeed(1, 0, 0))
                .isNotEqualTo(LocalTrainingLoop.batchSeed(1, 0, 1))
                .isNotEqualTo(LocalTrainingLoop.batchSeed(1, 1, 0))
                .isNotEqualTo(LocalTrainingLoop.batchSeed(2, 0, 0));
    }

    @Test
    void graphActivationsComeInputFirstInTopologicalOrder() {
        ComputationGraph g = graph(3);
        INDArray x = data(4, 9).features();
        List<INDArray> acts = Networks.activations(g, x);
        assertThat(acts).hasSize(3);
        assertBitIdentical(acts.get(0), x);
        assertThat(acts.get(1).shape()).containsExactly(4, 8); // dense
        assertThat(acts.get(2).shape()).containsExactly(4, 3); // out
        assertBitIdentical(acts.get(2), g.outputSingle(x));
        MultiLayerNetwork net = mlp(3, 1.0);
        assertThat(Networks.activations(net, x)).hasSize(3);
    }

    /** The test-only halt hook's property: N, or N@folder; a malformed value is refused with the expected form. */
    @Test
    void haltPropertySelectsOneBatchAndOptionallyOneRunFolder() {
        Path recipe = tmp.resolve("gan").resolve("recipe");
        assertThat(LocalTrainingLoop.haltRequested("200", 200, recipe)).isTrue();
        assertThat(LocalTrainingLoop.haltRequested(" 200 ", 200, recipe)).isTrue();
        assertThat(LocalTrainingLoop.haltRequested("200", 150, recipe)).isFalse();
        assertThat(LocalTrainingLoop.haltRequested("200@recipe", 200, recipe)).isTrue();
        assertThat(LocalTrainingLoop.haltRequested("200@judge", 200, recipe)).isFalse();
        assertThatThrownBy(() -> LocalTrainingLoop.haltRequested("soon", 1, recipe))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LocalTrainingLoop.HALT_PROPERTY)
                .hasMessageContaining("N@folder");
    }
}

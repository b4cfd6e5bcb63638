package org.sheetlab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
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
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.testing.NdAssert;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.LocalTrainingLoop;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingLoop;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.eval.AccuracyEvaluator;
import org.sheetlab.train.eval.LossEvaluator;
import org.sheetlab.train.run.RunDirectory;

/**
 * The Spark loop on {@code local[2]}: it reaches the single-JVM accuracy band, writes the same run folder plus
 * spark.json, checkpoints every epoch and resumes, trains a ComputationGraph, and refuses steps it cannot distribute.
 */
class SparkTrainingLoopTest {
    private static final String MASTER = "local[2]";

    @TempDir
    Path tmp;

    /** Three classes from 6 uniform features: 0 below the diagonal x0 + x1 = 1, else 1 or 2 by x2. */
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

    private static MultiLayerNetwork mlp() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Adam(1e-2))
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(16)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(6))
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph graph() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Adam(1e-2))
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "dense",
                        new DenseLayer.Builder()
                                .nOut(16)
                                .activation(Activation.RELU)
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
                .build());
        g.init();
        return g;
    }

    private static TrainingConfig config(int epochs, boolean resume) {
        return TrainingConfig.builder()
                .seed(7)
                .epochs(epochs)
                .batchSize(64)
                .checkpointEvery(10)
                .resume(resume)
                .progressBar(false)
                .build();
    }

    private static SparkSettings spark(int averagingFrequency) {
        return new SparkSettings(MASTER, SparkSettings.AVERAGING, averagingFrequency);
    }

    /** Trains {@code step} on 1,600 examples (25 batches of 64) and evaluates on 400. */
    private TrainingResult train(TrainingLoop loop, TrainingStep step) {
        return loop.fit(
                step,
                data(1600, 1).shuffledSource(64, 7),
                List.of(EvaluationSet.of(
                        "test", data(400, 2).orderedSource(100), new LossEvaluator(), new AccuracyEvaluator())));
    }

    private SparkTrainingLoop sparkLoop(String folder, TrainingConfig config, SparkSettings settings) {
        return new SparkTrainingLoop(new RunDirectory(tmp.resolve(folder)), config, folder, List.of(), settings);
    }

    private static double accuracy(TrainingResult r) {
        return r.last().metrics().get("testAccuracy");
    }

    /**
     * The same network, data, seed and budget (6 epochs of 25 batches of 64) in this JVM and on local[2] with
     * parameter averaging every 2 batches per worker. Each averaging round makes one update out of 2 workers x 2
     * batches, so Spark takes a quarter of the sequential steps: the band is that both learn the task (test
     * accuracy >= 0.80; the largest class is 0.5) and Spark ends within 0.10 of the single JVM.
     */
    @Test
    void parameterAveragingOnLocal2ReachesTheSingleJvmBandAndWritesTheRunFolder() throws Exception {
        TrainingResult local = train(
                new LocalTrainingLoop(new RunDirectory(tmp.resolve("local")), config(6, false), "local"),
                NetworkStep.of(mlp()));
        TrainingResult spark = train(sparkLoop("spark", config(6, false), spark(2)), NetworkStep.of(mlp()));

        assertThat(accuracy(local)).isGreaterThanOrEqualTo(0.80);
        assertThat(accuracy(spark))
                .isGreaterThanOrEqualTo(0.80)
                .isCloseTo(accuracy(local), org.assertj.core.data.Offset.offset(0.10));
        assertThat(spark.history()).hasSize(6);
        for (String f : List.of("metrics.json", "curves.png", "checkpoint.zip", "model.zip", "spark.json")) {
            assertThat(spark.runDir().resolve(f)).as(f).isRegularFile();
        }
        JsonNode json =
                RunDirectory.JSON.readTree(spark.runDir().resolve("spark.json").toFile());
        assertThat(json.get("master").asText()).isEqualTo(MASTER);
        assertThat(json.get("trainingMaster").asText()).isEqualTo("ParameterAveragingTrainingMaster");
        assertThat(json.get("workers").asInt()).isEqualTo(2);
        // 25 batches per epoch in groups of 2 workers x 2 batches, cut at the checkpoints every 10: 4+4+2 twice, 4+1
        assertThat(json.get("fits").asLong()).isEqualTo(6 * 8L);
        assertThat(json.get("batches").asLong()).isEqualTo(6 * 25L);
        assertThat(json.get("trainingMasterJson").asText()).contains("\"averagingFrequency\" : 2");
        // the learning-rate schedule's epoch counter follows the harness's epochs, not Spark's fits
        assertThat(((MultiLayerNetwork) spark.model())
                        .getLayerWiseConfigurations()
                        .getEpochCount())
                .isEqualTo(6);
    }

    /**
     * Two epochs straight, and one epoch then {@code resume} to two, end with the same parameters: the checkpoint
     * holds the network and updater state, and the batch order and the averaging groups depend only on the position.
     * (Equal up to float rounding in the averaging: the two workers' results are summed in the order they finish.)
     */
    @Test
    void resumesFromTheLastCheckpointLikeTheLocalLoop() {
        TrainingResult straight = train(sparkLoop("straight", config(2, false), spark(2)), NetworkStep.of(mlp()));
        train(sparkLoop("resumed", config(1, false), spark(2)), NetworkStep.of(mlp()));
        TrainingResult resumed = train(sparkLoop("resumed", config(2, true), spark(2)), NetworkStep.of(mlp()));

        assertThat(resumed.history()).hasSize(2);
        NdAssert.assertAllClose(resumed.model().params(), straight.model().params(), 1e-5, 1e-6);
        assertThat(resumed.history().get(0).metrics())
                .isEqualTo(straight.history().get(0).metrics());
    }

    @Test
    void trainsAComputationGraphThroughSparkComputationGraph() {
        TrainingResult r = train(sparkLoop("graph", config(3, false), spark(2)), NetworkStep.of(graph()));
        assertThat(r.model()).isInstanceOf(ComputationGraph.class);
        assertThat(accuracy(r)).isGreaterThanOrEqualTo(0.75);
    }

    @Test
    void refusesAStepThatIsNotDl4jsFit() {
        MultiLayerNetwork net = mlp();
        TrainingStep own = new TrainingStep() {
            @Override
            public double fit(MultiDataSet batch) {
                return 0;
            }

            @Override
            public Map<String, Model> networks() {
                return Map.of("network", net);
            }

            @Override
            public void restore(Map<String, Model> networks) {}
        };
        assertThatThrownBy(() -> train(sparkLoop("own", config(1, false), spark(1)), own))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--spark distributes DL4J's fit")
                .hasMessageContaining("drop --spark");
        assertThat(Files.exists(tmp.resolve("own/checkpoint.zip"))).isFalse();
    }

    @Test
    void badSettingsNameTheOption() {
        assertThatThrownBy(() -> SparkSettings.parse(Map.of("master", "yarn")))
                .hasMessageContaining("--spark must be local, local[N], local[*] or spark://host:port, got 'yarn'");
        assertThatThrownBy(() -> SparkSettings.parse(Map.of("master", MASTER, "training", "gossip")))
                .hasMessageContaining("--spark-training must be averaging or sharing");
        assertThatThrownBy(() -> SparkSettings.parse(Map.of("master", MASTER, "averagingFrequency", "0")))
                .hasMessageContaining("--spark-averaging-frequency must be >= 1, got 0");
        assertThatThrownBy(() ->
                        SparkSettings.parse(Map.of("master", MASTER, "training", "sharing", "averagingFrequency", "3")))
                .hasMessageContaining("applies to --spark-training averaging");
        assertThat(SparkSettings.parse(Map.of("master", "spark://127.0.0.1:7077"))
                        .averagingFrequency())
                .isEqualTo(SparkSettings.DEFAULT_AVERAGING_FREQUENCY);
    }
}

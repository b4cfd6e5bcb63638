package org.sheetlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.train.eval.LossEvaluator;
import org.sheetlab.train.run.RunDirectory;

/** A step's own per-epoch figures ({@link TrainingStep#epochMetrics()}) reach the history and metrics.json. */
class StepMetricsTest {
    @TempDir
    Path tmp;

    /** Wraps NetworkStep and reports the number of batches it saw in the epoch and their mean loss. */
    static class Counting implements TrainingStep {
        final NetworkStep inner;
        final String name;
        int batches;
        double lossSum;

        Counting(NetworkStep inner, String name) {
            this.inner = inner;
            this.name = name;
        }

        @Override
        public double fit(MultiDataSet batch) {
            double loss = inner.fit(batch);
            batches++;
            lossSum += loss;
            return loss;
        }

        @Override
        public Map<String, Model> networks() {
            return inner.networks();
        }

        @Override
        public void restore(Map<String, Model> networks) {
            inner.restore(networks);
        }

        @Override
        public Map<String, Double> epochMetrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(name + "Batches", (double) batches);
            m.put(name + "MeanLoss", lossSum / batches);
            batches = 0;
            lossSum = 0;
            return m;
        }
    }

    private static LabeledArrays data(int n) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 2);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = x.getDouble(i, 0) > 0.5 ? 1 : 0;
            y.putScalar(i, ids[i], 1);
        }
        return new LabeledArrays(x, y, ids, List.of("a", "b"));
    }

    private static org.deeplearning4j.nn.multilayer.MultiLayerNetwork net() {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new org.nd4j.linalg.learning.config.Sgd(0.1))
                .list()
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(2)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .build())
                .build();
        var n = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    private static TrainingConfig config() {
        return TrainingConfig.builder()
                .seed(1)
                .epochs(2)
                .batchSize(10)
                .progressBar(false)
                .build();
    }

    @Test
    void stepMetricsJoinTheEpochBesideTheEvaluators() throws Exception {
        LabeledArrays train = data(35);
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        TrainingResult r = new LocalTrainingLoop(run, config(), "t")
                .fit(
                        new Counting(NetworkStep.of(net()), "step"),
                        train.orderedSource(10),
                        List.of(EvaluationSet.of("test", train.orderedSource(10), new LossEvaluator())));
        for (EpochMetrics m : r.history()) {
            assertThat(m.metrics().keySet()).containsExactly("stepBatches", "stepMeanLoss", "testLoss");
            assertThat(m.metric("stepBatches")).isEqualTo(4.0); // ceil(35 / 10)
            // the step's mean of its batch losses is what the loop reports as trainLoss
            assertThat(m.metric("stepMeanLoss")).isEqualTo(m.trainLoss());
        }
        assertThat(Files.readString(run.resolve("metrics.json"))).contains("\"stepMeanLoss\"");
    }

    @Test
    void aNameReportedByTheStepAndAnEvaluatorIsRefused() {
        LabeledArrays train = data(20);
        assertThatThrownBy(() -> new LocalTrainingLoop(new RunDirectory(tmp.resolve("clash")), config(), "t")
                        .fit(
                                new Counting(NetworkStep.of(net()), "test") {
                                    @Override
                                    public Map<String, Double> epochMetrics() {
                                        return Map.of("testLoss", 1.0);
                                    }
                                },
                                train.orderedSource(10),
                                List.of(EvaluationSet.of("test", train.orderedSource(10), new LossEvaluator()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("testLoss");
    }
}

package org.sheetlab.experiments.finalq5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.train.run.RunDirectory;

/** Smoke runs of final-q5 on the real Fashion-MNIST through {@link FinalQ5Experiment#run}, the method main calls. */
class FinalQ5ExperimentTest {
    @TempDir
    Path tmp;

    private FinalQ5Experiment.Options smoke(Path out, int epochs, int maxBatches) {
        FinalQ5Experiment.Options o = new FinalQ5Experiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, out, epochs, maxBatches, 64);
        return o;
    }

    @Test
    void smokeRunWritesACompleteRunFolder() throws IOException {
        Path out = tmp.resolve("run");
        FinalQ5Experiment.Result r = FinalQ5Experiment.run(smoke(out, 2, 5));
        assertThat(r.history()).hasSize(2);
        assertThat(r.count().totalParameters()).isEqualTo(266_610);
        assertThat(r.last().batches()).isEqualTo(5);
        // the loop's testAccuracy is DL4J's Evaluation over the first 5 test batches of 64, recomputed here
        org.nd4j.evaluation.classification.Evaluation eval = new org.nd4j.evaluation.classification.Evaluation(10);
        var data = org.sheetlab.data.fashionmnist.FashionMnist.loadOrFetch(null)
                .test()
                .orderedIterator(64);
        for (int b = 0; b < 5; b++) {
            var ds = data.next();
            eval.eval(ds.getLabels(), ((MultiLayerNetwork) r.network()).output(ds.getFeatures(), false));
        }
        assertThat(r.last().testAccuracy()).isEqualTo(eval.accuracy());
        assertThat(r.history().get(1).trainLoss())
                .as("the loss falls")
                .isLessThan(r.history().get(0).trainLoss());

        JsonNode run = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("seed").asLong()).isEqualTo(42);
        assertThat(run.at("/options/loop/batchSize").asInt()).isEqualTo(64);
        assertThat(run.at("/provenance/dl4j").asText()).isEqualTo("1.0.0-M2.1");
        assertThat(run.at("/provenance/backend").asText()).isNotBlank();
        assertThat(run.at("/provenance/gitRevision").asText()).isNotBlank();
        JsonNode metrics =
                RunDirectory.JSON.readTree(out.resolve("metrics.json").toFile());
        assertThat(metrics.get("epochs")).hasSize(2);
        assertThat(metrics.at("/epochs/1/testAccuracy").asDouble())
                .isEqualTo(r.last().testAccuracy());
        assertThat(ImageIO.read(out.resolve("curves.png").toFile()).getWidth()).isGreaterThan(500);
        assertThat(Files.readString(out.resolve("parameters.txt")))
                .contains("266,610")
                .contains("1,194");
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                out.resolve("model.zip").toFile());
        assertThat(restored.params()).isEqualTo(r.network().params());
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void sameSeedSameNumbersAndResumeContinuesExactly() {
        FinalQ5Experiment.Result straight = FinalQ5Experiment.run(smoke(tmp.resolve("a"), 2, 4));
        FinalQ5Experiment.Result again = FinalQ5Experiment.run(smoke(tmp.resolve("b"), 2, 4));
        for (int i = 0; i < 2; i++) {
            assertThat(again.history().get(i).trainLoss())
                    .isEqualTo(straight.history().get(i).trainLoss());
            assertThat(again.history().get(i).metrics())
                    .isEqualTo(straight.history().get(i).metrics());
        }
        assertThat(again.network().params()).isEqualTo(straight.network().params());

        // stop after epoch 1, then resume to epoch 2: the same parameters as the uninterrupted run
        FinalQ5Experiment.run(smoke(tmp.resolve("c"), 1, 4));
        FinalQ5Experiment.Options resume = smoke(tmp.resolve("c"), 2, 4);
        resume.loop.resume = true;
        FinalQ5Experiment.Result resumed = FinalQ5Experiment.run(resume);
        assertThat(resumed.history()).hasSize(2);
        assertThat(resumed.history().get(1).trainLoss())
                .isEqualTo(straight.history().get(1).trainLoss());
        assertThat(resumed.network().params()).isEqualTo(straight.network().params());
    }

    @Test
    void refusesToOverwriteOrToResumeNothing() throws IOException {
        Path out = tmp.resolve("r");
        FinalQ5Experiment.run(smoke(out, 1, 2));
        assertThatThrownBy(() -> FinalQ5Experiment.run(smoke(out, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds a run")
                .hasMessageContaining("--resume");

        FinalQ5Experiment.Options other = smoke(out, 2, 2);
        other.loop.resume = true;
        other.loop.batchSize = 32;
        assertThatThrownBy(() -> FinalQ5Experiment.run(other)).hasMessageContaining("--batch-size 64");

        FinalQ5Experiment.Options nothing = smoke(tmp.resolve("empty"), 1, 2);
        nothing.loop.resume = true;
        assertThatThrownBy(() -> FinalQ5Experiment.run(nothing)).hasMessageContaining("no run");

        Files.write(out.resolve(org.sheetlab.train.Checkpoints.FILE), new byte[] {1, 2, 3});
        FinalQ5Experiment.Options corrupt = smoke(out, 2, 2);
        corrupt.loop.resume = true;
        assertThatThrownBy(() -> FinalQ5Experiment.run(corrupt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void badOptionsAreNamed() {
        FinalQ5Experiment.Options o = smoke(tmp.resolve("x"), 0, 1);
        assertThatThrownBy(() -> FinalQ5Experiment.run(o)).hasMessageContaining("--epochs");
        FinalQ5Experiment.Options lr = smoke(tmp.resolve("y"), 1, 1);
        lr.learningRate.value = -1;
        assertThatThrownBy(() -> FinalQ5Experiment.run(lr)).hasMessageContaining("--learning-rate");
    }

    @Test
    void theFastStepIsTheDefaultAndStaysWithinFloatRoundingOfFit() throws IOException {
        FinalQ5Experiment.Result fast = FinalQ5Experiment.run(smoke(tmp.resolve("fast"), 1, 20));
        FinalQ5Experiment.Options fitOptions = smoke(tmp.resolve("fit"), 1, 20);
        fitOptions.step = "fit";
        FinalQ5Experiment.Result fit = FinalQ5Experiment.run(fitOptions);
        assertThat(RunDirectory.JSON
                        .readTree(tmp.resolve("fast").resolve("run.json").toFile())
                        .get("step")
                        .asText())
                .isEqualTo("DenseAdamStep");
        assertThat(RunDirectory.JSON
                        .readTree(tmp.resolve("fit").resolve("run.json").toFile())
                        .get("step")
                        .asText())
                .isEqualTo("NetworkStep");
        // same initial weights, same 20 batches: the two steps agree up to float rounding
        INDArray a = fast.network().params();
        INDArray b = fit.network().params();
        assertThat(a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue())
                .isLessThan(1e-4);
        assertThat(fast.last().trainLoss()).isCloseTo(fit.last().trainLoss(), within(1e-4));
        assertThat(fast.last().testLoss()).isCloseTo(fit.last().testLoss(), within(1e-4));

        FinalQ5Experiment.Options bad = smoke(tmp.resolve("bad"), 1, 1);
        bad.step = "quick";
        assertThatThrownBy(() -> FinalQ5Experiment.run(bad)).hasMessageContaining("--step must be auto, fit or fast");
        FinalQ5Experiment.Options graphFast = smoke(tmp.resolve("gf"), 1, 1);
        graphFast.graph = true;
        graphFast.step = "fast";
        assertThatThrownBy(() -> FinalQ5Experiment.run(graphFast)).hasMessageContaining("--graph");
    }
}

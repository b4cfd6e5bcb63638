package org.sheetlab.experiments.finalq5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

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
import org.sheetlab.experiments.run.Outcome;
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
        FinalQ5Experiment.Options o = smoke(out, 2, 5);
        Outcome r = new FinalQ5Experiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new FinalQ5Experiment(), o, r);
        assertThat(r.trained().history()).hasSize(2);
        assertThat(r.only().parameters()).isEqualTo(266_610);
        assertThat(r.trained().last().batches()).isEqualTo(5);
        // the loop's testAccuracy is DL4J's Evaluation over the first 5 test batches of 64, recomputed here
        org.nd4j.evaluation.classification.Evaluation eval = new org.nd4j.evaluation.classification.Evaluation(10);
        var data = org.sheetlab.data.fashionmnist.FashionMnist.loadOrFetch(null)
                .test()
                .orderedIterator(64);
        for (int b = 0; b < 5; b++) {
            var ds = data.next();
            eval.eval(ds.getLabels(), ((MultiLayerNetwork) r.trained().model()).output(ds.getFeatures(), false));
        }
        assertThat(r.trained().last().testAccuracy()).isEqualTo(eval.accuracy());
        assertThat(r.trained().history().get(1).trainLoss())
                .as("the loss falls")
                .isLessThan(r.trained().history().get(0).trainLoss());

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
                .isEqualTo(r.trained().last().testAccuracy());
        assertThat(ImageIO.read(out.resolve("curves.png").toFile()).getWidth()).isGreaterThan(500);
        assertThat(Files.readString(out.resolve("parameters.txt")))
                .contains("266,610")
                .contains("1,194");
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                out.resolve("model.zip").toFile());
        assertBitIdentical(restored.params(), r.trained().model().params());
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void sameSeedSameNumbersAndResumeContinuesExactly() {
        Outcome straight = new FinalQ5Experiment().run(smoke(tmp.resolve("a"), 2, 4));
        Outcome again = new FinalQ5Experiment().run(smoke(tmp.resolve("b"), 2, 4));
        for (int i = 0; i < 2; i++) {
            assertThat(again.trained().history().get(i).trainLoss())
                    .isEqualTo(straight.trained().history().get(i).trainLoss());
            assertThat(again.trained().history().get(i).metrics())
                    .isEqualTo(straight.trained().history().get(i).metrics());
        }
        assertBitIdentical(
                again.trained().model().params(), straight.trained().model().params());

        // stop after epoch 1, then resume to epoch 2: the same parameters as the uninterrupted run
        new FinalQ5Experiment().run(smoke(tmp.resolve("c"), 1, 4));
        FinalQ5Experiment.Options resume = smoke(tmp.resolve("c"), 2, 4);
        resume.loop.resume = true;
        Outcome resumed = new FinalQ5Experiment().run(resume);
        assertThat(resumed.trained().history()).hasSize(2);
        assertThat(resumed.trained().history().get(1).trainLoss())
                .isEqualTo(straight.trained().history().get(1).trainLoss());
        assertBitIdentical(
                resumed.trained().model().params(), straight.trained().model().params());
    }

    @Test
    void refusesToOverwriteOrToResumeNothing() throws IOException {
        Path out = tmp.resolve("r");
        new FinalQ5Experiment().run(smoke(out, 1, 2));
        assertThatThrownBy(() -> new FinalQ5Experiment().run(smoke(out, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds a run")
                .hasMessageContaining("use resume to continue it");

        FinalQ5Experiment.Options other = smoke(out, 2, 2);
        other.loop.resume = true;
        other.loop.batchSize = 32;
        assertThatThrownBy(() -> new FinalQ5Experiment().run(other)).hasMessageContaining("was made with batchSize 64");

        FinalQ5Experiment.Options nothing = smoke(tmp.resolve("empty"), 1, 2);
        nothing.loop.resume = true;
        assertThatThrownBy(() -> new FinalQ5Experiment().run(nothing)).hasMessageContaining("no run");

        Files.write(out.resolve(org.sheetlab.train.Checkpoints.FILE), new byte[] {1, 2, 3});
        FinalQ5Experiment.Options corrupt = smoke(out, 2, 2);
        corrupt.loop.resume = true;
        assertThatThrownBy(() -> new FinalQ5Experiment().run(corrupt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void aBadLoopSettingLeavesNoRunFolderBehind() {
        Path out = tmp.resolve("never");
        FinalQ5Experiment.Options o = smoke(out, 1, 1);
        o.loop.batchSize = 0;
        assertThatThrownBy(() -> new FinalQ5Experiment().run(o)).hasMessageContaining("batchSize");
        assertThat(out).doesNotExist();
    }

    @Test
    void badOptionsAreNamed() {
        FinalQ5Experiment.Options o = smoke(tmp.resolve("x"), 0, 1);
        assertThatThrownBy(() -> new FinalQ5Experiment().run(o)).hasMessageContaining("epochs must be >= 1, got 0");
        FinalQ5Experiment.Options lr = smoke(tmp.resolve("y"), 1, 1);
        lr.learningRate.value = -1;
        assertThatThrownBy(() -> new FinalQ5Experiment().run(lr)).hasMessageContaining("--learning-rate");
    }

    @Test
    void theFastStepIsTheDefaultAndStaysWithinFloatRoundingOfFit() throws IOException {
        Outcome fast = new FinalQ5Experiment().run(smoke(tmp.resolve("fast"), 1, 20));
        FinalQ5Experiment.Options fitOptions = smoke(tmp.resolve("fit"), 1, 20);
        fitOptions.loop.step = "fit";
        Outcome fit = new FinalQ5Experiment().run(fitOptions);
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
        INDArray a = fast.trained().model().params();
        INDArray b = fit.trained().model().params();
        assertThat(a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue())
                .isLessThan(1e-4);
        assertThat(fast.trained().last().trainLoss())
                .isCloseTo(fit.trained().last().trainLoss(), within(1e-4));
        assertThat(fast.trained().last().testLoss())
                .isCloseTo(fit.trained().last().testLoss(), within(1e-4));

        FinalQ5Experiment.Options bad = smoke(tmp.resolve("bad"), 1, 1);
        bad.loop.step = "quick";
        assertThatThrownBy(() -> new FinalQ5Experiment().run(bad))
                .hasMessageContaining("--step must be auto, fast or fit");
        FinalQ5Experiment.Options graphFast = smoke(tmp.resolve("gf"), 1, 1);
        graphFast.graph = true;
        graphFast.loop.step = "fast";
        // the ComputationGraph takes the general fast step (FastStep), recorded in run.json
        assertThat(new FinalQ5Experiment()
                        .run(graphFast)
                        .trained()
                        .step()
                        .getClass()
                        .getSimpleName())
                .isEqualTo("FastStep");
        assertThat(RunDirectory.JSON
                        .readTree(tmp.resolve("gf").resolve("run.json").toFile())
                        .at("/steps/final-q5/kind")
                        .asText())
                .isEqualTo("fast");
        assertThat(RunDirectory.JSON
                        .readTree(tmp.resolve("fit").resolve("run.json").toFile())
                        .at("/steps/final-q5/reason")
                        .asText())
                .isEqualTo("--step fit");
    }
}

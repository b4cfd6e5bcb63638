package org.sheetlab.experiments.mcdropout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.train.run.RunDirectory;

/** mc-dropout on the real Fashion-MNIST, 20 batches, T = 4, evaluated on the first 20·128 test images. */
class McDropoutExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void writesCalibrationForBothInferenceModes() throws Exception {
        McDropoutExperiment.Options o = new McDropoutExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 20, 128);
        o.samples = 4;
        Outcome r = new McDropoutExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new McDropoutExperiment(), o, r);
        // plain accuracy equals the accuracy of the saved model, recomputed with DL4J's Evaluation
        var net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                o.run.outputDir.resolve("model.zip").toFile());
        var data = org.sheetlab.data.fashionmnist.FashionMnist.loadOrFetch(null).test();
        var x = data.features()
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20 * 128),
                        org.nd4j.linalg.indexing.NDArrayIndex.all());
        var y = data.labels()
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20 * 128),
                        org.nd4j.linalg.indexing.NDArrayIndex.all());
        var eval = new org.nd4j.evaluation.classification.Evaluation(10);
        eval.eval(y, net.output(x, false));
        assertThat(r.only().value("plainAccuracy")).isCloseTo(eval.accuracy(), within(1e-12));
        // the MC predictive entropy separates right from wrong predictions
        assertThat(r.only().value("entropyWrong")).isGreaterThan(r.only().value("entropyRight"));
        // the loop's own test accuracy on the same 20 batches agrees with plain inference
        var metrics = RunDirectory.JSON.readTree(
                o.run.outputDir.resolve("metrics.json").toFile());
        assertThat(metrics.at("/epochs/0/testAccuracy").asDouble()).isCloseTo(eval.accuracy(), within(1e-12));
        JsonNode c = RunDirectory.JSON.readTree(
                o.run.outputDir.resolve("calibration.json").toFile());
        assertThat(c.get("testExamples").asInt()).isEqualTo(20 * 128);
        assertThat(c.at("/mcDropout/ece").asDouble()).isEqualTo(r.only().value("mcEce"));
        assertThat(ImageIO.read(o.run.outputDir.resolve("reliability.png").toFile())
                        .getWidth())
                .isEqualTo(640);
    }
}

package org.sheetlab.experiments.mcdropout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.train.run.RunDirectory;

/** mc-dropout on the real Fashion-MNIST, 20 batches, T = 4, evaluated on the first 20·128 test images. */
class McDropoutExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void writesCalibrationForBothInferenceModes() throws Exception {
        McDropoutExperiment.Options o = new McDropoutExperiment.Options();
        o.outputDir = tmp.resolve("run");
        o.epochs = 1;
        o.maxBatches = 20;
        o.samples = 4;
        o.quiet = true;
        o.checkpointEvery = 0;
        McDropoutExperiment.Result r = McDropoutExperiment.run(o);
        assertThat(r.plainAccuracy()).isGreaterThan(0.3); // 20 batches already learn something
        assertThat(r.mcAccuracy()).isGreaterThan(0.3);
        assertThat(r.plainEce()).isBetween(0.0, 1.0);
        assertThat(r.mcEce()).isBetween(0.0, 1.0);
        assertThat(r.entropyRight()).isBetween(0.0, Math.log(10));
        JsonNode c = RunDirectory.JSON.readTree(o.outputDir.resolve("calibration.json").toFile());
        assertThat(c.get("testExamples").asInt()).isEqualTo(20 * 128);
        assertThat(c.at("/mcDropout/ece").asDouble()).isEqualTo(r.mcEce());
        assertThat(ImageIO.read(o.outputDir.resolve("reliability.png").toFile()).getWidth()).isEqualTo(640);
    }
}

package org.sheetlab.experiments.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

class VaeExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void twoBetasTrainAndTheElboSplitsIntoReconstructionAndKl() throws Exception {
        VaeExperiment.Options o = new VaeExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 5, 64);
        o.hidden = 32;
        o.betas = List.of(1.0, 0.5);
        o.iwSamples = 10;
        Outcome r = new VaeExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new VaeExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("beta1", "beta0.5");
        for (var m : r.<java.util.Map<String, java.util.Map<String, Double>>>extra("test")
                .values()) {
            assertThat(m.get("testNelbo")).isCloseTo(m.get("testRecon") + m.get("testKl"), within(1e-6));
            assertThat(m.get("testKl")).isGreaterThanOrEqualTo(0.0);
            // 784 Bernoulli pixels: the reconstruction term is positive and below 784·ln 2 + slack after a few batches
            assertThat(m.get("testRecon")).isPositive().isLessThan(800.0);
            // log p(x) >= L_K, and L_K estimates more than the ELBO: −L_K below the negative ELBO (up to noise)
            assertThat(-m.get("testIwBound")).isLessThan(m.get("testNelbo") + 1.0);
        }
        for (String f : List.of("reconstructions.png", "samples.png", "manifold.png", "latent.png", "curves.png")) {
            assertThat(ImageIO.read(o.run.outputDir.resolve("beta1").resolve(f).toFile()))
                    .as(f)
                    .isNotNull();
        }
    }

    @Test
    void theConvolutionalVariantRunsTooWithAGaussianDecoder() throws Exception {
        VaeExperiment.Options o = new VaeExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("conv"), 1, 3, 32);
        o.conv = true;
        o.betas = List.of(1.0);
        o.iwSamples = 2;
        o.gaussianSigma = 0.2;
        Outcome r = new VaeExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new VaeExperiment(), o, r);
        var m = r.row("beta1").values();
        assertThat(m.get("testNelbo")).isCloseTo(m.get("testRecon") + m.get("testKl"), within(1e-6));
        // 784 Gaussian pixels with σ = 0.2: each term is at least log σ + ½ log 2π ≈ −0.69, at most a few nats
        assertThat(m.get("testRecon")).isBetween(784 * (Math.log(0.2) + 0.5 * Math.log(2 * Math.PI)), 784 * 20.0);
        assertThat(m.get("testIwBound")).isFinite();
        assertThat(ImageIO.read(
                        o.run.outputDir.resolve("beta1").resolve("manifold.png").toFile()))
                .isNotNull();
    }

    @Test
    void badOptionsAreNamed() {
        VaeExperiment.Options o = new VaeExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("bad"), 1, 1, 8);
        o.betas = List.of(-1.0);
        assertThatThrownBy(() -> new VaeExperiment().run(o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--betas");
    }
}

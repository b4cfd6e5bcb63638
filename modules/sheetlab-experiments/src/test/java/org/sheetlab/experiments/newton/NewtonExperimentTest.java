package org.sheetlab.experiments.newton;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.train.run.RunDirectory;

/** newton on the real breast-cancer data, 8 iterations. */
class NewtonExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void fullNewtonBeatsFirstOrderMethodsPerIteration() throws Exception {
        NewtonExperiment.Options o = new NewtonExperiment.Options();
        o.run.outputDir = tmp.resolve("run");
        o.run.quiet = true;
        o.loop.epochs = 8;
        Outcome r = new NewtonExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new NewtonExperiment(), o, r);
        assertThat(r.<java.util.List<NewtonExperiment.Curve>>extra("curves"))
                .extracting(NewtonExperiment.Curve::method)
                .containsExactly("newton-full", "newton-block", "sgd", "adam");
        NewtonExperiment.Curve full =
                r.<java.util.List<NewtonExperiment.Curve>>extra("curves").get(0);
        assertThat(full.loss()).hasSize(9);
        assertThat(full.last()).isLessThan(full.loss()[0]);
        assertThat(full.last())
                .isLessThan(r.<java.util.List<NewtonExperiment.Curve>>extra("curves")
                        .get(2)
                        .last())
                .isLessThan(r.<java.util.List<NewtonExperiment.Curve>>extra("curves")
                        .get(3)
                        .last());
        // κ of the damped Hessian H + I, recomputed from the eigenvalues written to metrics.json
        var m = RunDirectory.JSON.readTree(
                o.run.outputDir.resolve("newton.json").toFile());
        double min = m.get("hessianLambdaMinStart").asDouble();
        double max = m.get("hessianLambdaMaxStart").asDouble();
        assertThat(min).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-3)); // the 2-class softmax is singular
        assertThat((double) r.extra("kappaDampedStart")).isFinite().isEqualTo((max + 1) / (min + 1));
        assertThat((double) r.extra("kappaDampedEnd")).isFinite().isLessThan((double) r.extra("kappaDampedStart"));
        for (String method : java.util.List.of("newton-full", "newton-block", "sgd", "adam")) {
            assertThat(o.run.outputDir.resolve(method).resolve("metrics.json")).isRegularFile();
            assertThat(o.run.outputDir.resolve(method).resolve("checkpoint.zip"))
                    .isRegularFile();
        }
        assertThat(ImageIO.read(o.run.outputDir.resolve("newton.png").toFile()).getWidth())
                .isGreaterThan(1000);
    }
}

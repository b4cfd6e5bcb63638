package org.sheetlab.experiments.newton;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** newton on the real breast-cancer data, 8 iterations. */
class NewtonExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void fullNewtonBeatsFirstOrderMethodsPerIteration() throws Exception {
        NewtonExperiment.Options o = new NewtonExperiment.Options();
        o.outputDir = tmp.resolve("run");
        o.epochs = 8;
        NewtonExperiment.Result r = NewtonExperiment.run(o);
        assertThat(r.curves()).extracting(NewtonExperiment.Curve::method)
                .containsExactly("Newton (full)", "Newton (block)", "SGD", "Adam");
        NewtonExperiment.Curve full = r.curves().get(0);
        assertThat(full.loss()).hasSize(9);
        assertThat(full.last()).isLessThan(full.loss()[0]);
        assertThat(full.last()).isLessThan(r.curves().get(2).last()).isLessThan(r.curves().get(3).last());
        assertThat(r.kappaStart()).isGreaterThan(1); // κ of the damped Hessian, which is positive definite
        assertThat(ImageIO.read(o.outputDir.resolve("newton.png").toFile()).getWidth()).isGreaterThan(1000);
    }
}

package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Executes every notebook in notebooks/ with the packaged jar; any cell error fails the build. */
// longer than the module default (junit-platform.properties): every notebook in its own JVM, each limited to 10 minutes
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class NotebooksIT {
    @TempDir
    Path tmp;

    @Test
    void everyNotebookRunsWithoutACellError() throws Exception {
        List<Path> notebooks;
        try (var files = Files.list(PackagedJar.ROOT.resolve("notebooks"))) {
            notebooks =
                    files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(notebooks).isNotEmpty();
        for (Path nb : notebooks) {
            Path log = tmp.resolve(nb.getFileName() + ".log");
            int code = PackagedJar.runToExit(
                    PackagedJar.command(log, "notebook", nb.toString()), java.time.Duration.ofMinutes(10), log);
            String out = PackagedJar.log(log);
            assertThat(code).as("notebook %s:%n%s", nb, out).isZero();
            assertThat(out).contains("notebook " + nb + ": OK");
        }
    }
}

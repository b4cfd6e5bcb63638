package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.train.run.RunDirectory;
import org.sheetlab.experiments.train.Trainer;

/**
 * A final-q5 run killed with SIGKILL mid-epoch and restarted with --resume ends with exactly the metrics of an
 * uninterrupted run with the same options.
 */
class KillAndResumeIT {
    @TempDir
    Path tmp;

    private static final String[] OPTIONS = {"final-q5", "--epochs", "2", "--max-batches", "150", "--batch-size", "32",
            "--checkpoint-every", "10", "--quiet"};

    private static String[] with(String... extra) {
        String[] all = new String[OPTIONS.length + extra.length];
        System.arraycopy(OPTIONS, 0, all, 0, OPTIONS.length);
        System.arraycopy(extra, 0, all, OPTIONS.length, extra.length);
        return all;
    }

    private static void runToEnd(ProcessBuilder pb, Path log) throws Exception {
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(PackagedJar.log(log)).isZero();
    }

    @Test
    void killedRunResumesToTheSameResult() throws Exception {
        Path killed = tmp.resolve("killed");
        Process p = PackagedJar.command(tmp.resolve("a.log"), with("--output-dir", killed.toString())).start();
        Path checkpoint = killed.resolve(Trainer.CHECKPOINT);
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.exists(checkpoint) && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("the run was still going when its first checkpoint appeared").isTrue();
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no chance to tidy up
        p.waitFor();
        assertThat(Files.exists(killed.resolve("model.zip"))).as("the killed run had not finished").isFalse();

        runToEnd(PackagedJar.command(tmp.resolve("b.log"), with("--output-dir", killed.toString(), "--resume")),
                tmp.resolve("b.log"));
        assertThat(PackagedJar.log(tmp.resolve("b.log"))).contains("resuming");

        Path straight = tmp.resolve("straight");
        runToEnd(PackagedJar.command(tmp.resolve("c.log"), with("--output-dir", straight.toString())),
                tmp.resolve("c.log"));

        JsonNode a = RunDirectory.JSON.readTree(killed.resolve("metrics.json").toFile()).get("epochs");
        JsonNode b = RunDirectory.JSON.readTree(straight.resolve("metrics.json").toFile()).get("epochs");
        assertThat(a).hasSize(2);
        for (int i = 0; i < 2; i++) {
            for (String field : new String[] {"batches", "trainLoss", "testLoss", "testAccuracy"}) {
                assertThat(a.get(i).get(field).asDouble()).as("epoch %d %s", i + 1, field)
                        .isEqualTo(b.get(i).get(field).asDouble());
            }
        }
        assertThat(Files.readAllBytes(killed.resolve("parameters.txt")))
                .isEqualTo(Files.readAllBytes(straight.resolve("parameters.txt")));
    }
}

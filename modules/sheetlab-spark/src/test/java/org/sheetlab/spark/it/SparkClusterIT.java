package org.sheetlab.spark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.sheetlab.train.run.RunDirectory;

/**
 * A real Spark standalone cluster on 127.0.0.1 (a master and two one-core workers started by
 * {@code scripts/spark-cluster} from Maven's Spark artifacts), the packaged {@code sheetlab-spark.jar} submitted to it
 * with SparkSubmit: final-q5 trains a few batches on both executors and writes its run folder; and with one worker's
 * executor killed (SIGKILL) mid-epoch, Spark reruns the lost tasks on a new executor and the run completes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SparkClusterIT {
    static final Path MODULE = Paths.get("").toAbsolutePath();
    static final Path ROOT = MODULE.getParent().getParent();
    static final Path SCRIPT = ROOT.resolve("scripts/spark-cluster");
    static final Path STATE = MODULE.resolve("target/spark-cluster-it");

    private String master;

    private ProcessBuilder script(Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("SPARK_CLUSTER_DIR", STATE.toString());
        pb.redirectOutput(log.toFile());
        return pb;
    }

    private static int await(Process p, Duration timeout, Path log) throws Exception {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("no exit within " + timeout + ": " + tail(log));
        }
        return p.exitValue();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @BeforeAll
    void startCluster() throws Exception {
        assertThat(MODULE.resolve("target/sheetlab-spark.jar"))
                .as("the packaged jar (mvn verify)")
                .isRegularFile();
        Files.createDirectories(STATE);
        // the run folders of an earlier verify (without clean) would make the runs refuse to start over them
        org.apache.commons.io.FileUtils.deleteDirectory(STATE.resolve("runs").toFile());
        Path log = STATE.resolve("start.out");
        int code = await(script(log, "start").start(), Duration.ofMinutes(3), log);
        assertThat(code).as(tail(log)).isZero();
        master = Files.readString(STATE.resolve("master.url")).strip();
        assertThat(master).startsWith("spark://127.0.0.1:");
    }

    @AfterAll
    void stopCluster() throws Exception {
        Path log = STATE.resolve("stop.out");
        await(script(log, "stop").start(), Duration.ofMinutes(1), log);
    }

    private Process submit(Path log, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("submit"));
        all.addAll(List.of(args));
        return script(log, all.toArray(String[]::new)).start();
    }

    @Test
    void finalQ5TrainsOnTheTwoWorkerCluster() throws Exception {
        Path out = STATE.resolve("runs/q5");
        Path log = STATE.resolve("q5.out");
        int code = await(
                submit(
                        log,
                        "final-q5",
                        "--epochs",
                        "1",
                        "--max-batches",
                        "20",
                        "--checkpoint-every",
                        "10",
                        "--spark-averaging-frequency",
                        "2",
                        "--quiet",
                        "--output-dir",
                        out.toString()),
                Duration.ofMinutes(4),
                log);
        assertThat(code).as(tail(log)).isZero();
        JsonNode run = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.at("/spark/master").asText()).isEqualTo(master);
        assertThat(run.at("/final/testAccuracy").asDouble()).isGreaterThan(0.5);
        JsonNode spark = RunDirectory.JSON.readTree(out.resolve("spark.json").toFile());
        assertThat(spark.get("workers").asInt()).isEqualTo(2);
        assertThat(spark.get("executors").asInt()).isEqualTo(2);
        assertThat(spark.get("batches").asLong()).isEqualTo(20);
        assertThat(out.resolve("model.zip")).isRegularFile();
        assertThat(out.resolve("checkpoint.zip")).isRegularFile();
    }

    /**
     * Kills worker 1's executor (SIGKILL, the process the worker launched) once the first mid-epoch checkpoint is
     * written. The standalone master launches a new executor on that worker, the scheduler reruns the lost tasks
     * (each task refits its partition from the broadcast parameters, so a rerun gives the same result), and the run
     * completes with every batch trained.
     */
    @Test
    void aKilledExecutorsTasksAreRescheduledAndTheRunCompletes() throws Exception {
        Path out = STATE.resolve("runs/fault");
        Path log = STATE.resolve("fault.out");
        Process driver = submit(
                log,
                "final-q5",
                "--epochs",
                "1",
                "--max-batches",
                "60",
                "--checkpoint-every",
                "10",
                "--spark-averaging-frequency",
                "1",
                "--quiet",
                "--output-dir",
                out.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(out.resolve("checkpoint.zip")) && driver.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(out.resolve("checkpoint.zip")).as(tail(log)).isRegularFile();
            long workerPid = Long.parseLong(
                    Files.readString(STATE.resolve("worker-1.pid")).strip());
            Optional<ProcessHandle> executor = ProcessHandle.of(workerPid)
                    .orElseThrow()
                    .children()
                    .filter(ProcessHandle::isAlive)
                    .findFirst();
            assertThat(executor).as("worker 1's executor").isPresent();
            executor.get().destroyForcibly();
            executor.get().onExit().get(30, TimeUnit.SECONDS);

            int code = await(driver, Duration.ofMinutes(4), log);
            assertThat(code).as(tail(log)).isZero();
        } finally {
            driver.destroyForcibly();
        }
        JsonNode run = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(run.get("status").asText()).isEqualTo("completed");
        JsonNode spark = RunDirectory.JSON.readTree(out.resolve("spark.json").toFile());
        assertThat(spark.get("batches").asLong()).isEqualTo(60);
        String driverLog = Files.readString(log);
        assertThat(driverLog).containsAnyOf("Lost executor", "ExecutorLostFailure", "Executor lost");
        assertThat(Files.readString(STATE.resolve("master.log"))).contains("Launching executor");
    }
}

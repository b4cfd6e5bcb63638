package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Launches {@code target/sheetlab.jar} in its own capped JVM, as {@code scripts/sheetlab} does. */
final class PackagedJar {
    static final Path MODULE = Paths.get("").toAbsolutePath();
    static final Path ROOT = MODULE.getParent().getParent();
    static final Path JAR = MODULE.resolve("target/sheetlab.jar");

    private PackagedJar() {}

    static ProcessBuilder command(Path log, String... args) {
        assertThat(JAR)
                .as("the packaged jar (run the integration tests with mvn verify)")
                .exists();
        List<String> cmd = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dorg.bytedeco.javacpp.maxbytes=3G",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=5G",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
    }

    /**
     * The same JVM with stdout and stderr in separate files and {@code OMP_NUM_THREADS=1} (as the launcher scripts
     * set it), so that stderr holds only what the run reports.
     */
    static ProcessBuilder commandSeparately(Path stdout, Path stderr, String... args) {
        ProcessBuilder pb = command(stdout, args).redirectErrorStream(false).redirectError(stderr.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb;
    }

    /**
     * Starts {@code pb}, waits up to {@code timeout} for it to end and returns its exit code. The child JVM never
     * outlives the call: on a timeout, an interrupt or a failed assertion it is killed (destroyForcibly) and waited
     * for, and a timeout fails the test with the log's tail.
     */
    static int runToExit(ProcessBuilder pb, java.time.Duration timeout, Path log) throws Exception {
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                org.assertj.core.api.Assertions.fail(
                        "the child JVM did not finish within %s and was killed: %s %s",
                        timeout, pb.command(), tail(log));
            }
            return p.exitValue();
        } finally {
            end(p);
        }
    }

    /** Kills a child JVM that is still alive (SIGKILL) and waits for it to be gone. */
    static void end(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) throws IOException {
        if (log == null) {
            return "";
        }
        String text = log(log);
        return text.length() > 4000 ? "…" + text.substring(text.length() - 4000) : text;
    }

    static String log(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static File root() {
        return ROOT.toFile();
    }
}

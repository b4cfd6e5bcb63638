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

    static String log(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static File root() {
        return ROOT.toFile();
    }
}

package org.sheetlab.experiments.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.cli.SheetlabCli;
import picocli.CommandLine;

/** {@code sheetlab ui RUN_FOLDER}: the URL for a recorded run, one-line errors (exit 2) for anything else. */
class UiCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = SheetlabCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true));
        try {
            int code = cli.execute(args);
            return new Run(code, captured.toString(), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    private static String oneLineError(Run r) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> !l.isBlank())).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("Exception:").doesNotContain("at org.");
        return r.err().strip();
    }

    @Test
    void printsTheLoopbackUrlOfARecordedRunAndItsVariants() throws Exception {
        UiProbes.recordFit(tmp.resolve(UiStats.FILE), "one", 3);
        Files.createDirectories(tmp.resolve("max"));
        UiProbes.recordFit(tmp.resolve("max").resolve(UiStats.FILE), "two", 3);
        assertThat(UiStats.find(tmp)).containsExactly(tmp.resolve(UiStats.FILE), tmp.resolve("max/" + UiStats.FILE));
        Run r = run("ui", tmp.toString(), "--exit-after", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .containsPattern("Training UI: http://127\\.0\\.0\\.1:\\d+/train/overview \\(127\\.0\\.0\\.1 "
                        + "only; 2 network\\(s\\) of ");
    }

    @Test
    void aFolderWithoutStatisticsIsOneLine() throws Exception {
        Files.writeString(tmp.resolve("run.json"), "{}");
        assertThat(oneLineError(run("ui", tmp.toString(), "--exit-after", "0")))
                .startsWith("ui: no training statistics in " + tmp)
                .contains("--ui");
    }

    @Test
    void aMissingFolderIsOneLine() {
        assertThat(oneLineError(run("ui", tmp.resolve("nope").toString(), "--exit-after", "0")))
                .startsWith("ui: no run folder " + tmp.resolve("nope"));
    }

    @Test
    void aCorruptStatisticsFileIsOneLine() throws Exception {
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        Files.write(tmp.resolve(UiStats.FILE), junk);
        assertThat(oneLineError(run("ui", tmp.toString(), "--exit-after", "0")))
                .startsWith("ui: " + tmp.resolve(UiStats.FILE) + " is not a readable training statistics file")
                .contains("--ui");
    }

    @Test
    void aTruncatedStatisticsFileIsOneLine() throws Exception {
        UiProbes.recordFit(tmp.resolve("full.bin"), "one", 3);
        byte[] full = Files.readAllBytes(tmp.resolve("full.bin"));
        Files.write(tmp.resolve(UiStats.FILE), java.util.Arrays.copyOf(full, full.length / 3));
        String line = oneLineError(run("ui", tmp.toString(), "--exit-after", "0"));
        assertThat(line).startsWith("ui: " + tmp.resolve(UiStats.FILE));
    }
}

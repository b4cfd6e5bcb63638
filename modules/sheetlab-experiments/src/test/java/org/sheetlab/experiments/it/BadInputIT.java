package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.fashionmnist.FashionMnist;

/**
 * Bad input through the packaged jar: every case ends with one line on stderr that names the problem and the fix,
 * exit code 2, and no stack trace. Runs that fail before training print nothing else on stderr; a run that fails
 * after training started may have logged its epochs (INFO) first, but nothing at WARN or above.
 */
// longer than the module default (junit-platform.properties): a few runs of the packaged jar, each limited to 3 minutes
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BadInputIT {
    @TempDir
    Path tmp;

    private record Result(int code, List<String> errLines, String out) {
        String last() {
            return errLines.isEmpty() ? "" : errLines.get(errLines.size() - 1);
        }
    }

    private Result run(String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        int code = PackagedJar.runToExit(
                PackagedJar.commandSeparately(out, err, args), java.time.Duration.ofMinutes(3), err);
        List<String> lines =
                Files.readAllLines(err).stream().filter(l -> !l.isBlank()).toList();
        Result r = new Result(code, lines, Files.readString(out));
        String all = String.join("\n", lines) + "\n" + r.out();
        assertThat(r.code()).as(all).isEqualTo(2);
        assertThat(all).doesNotContain("Exception").doesNotContain("at org.").doesNotContain("Usage:");
        assertThat(lines).as(all).noneMatch(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d (WARN|ERROR).*"));
        assertThat(r.last()).as(all).startsWith("final-q5: ");
        return r;
    }

    /** The run failed before training: stderr is exactly the one error line. */
    private static String onlyLine(Result r) {
        assertThat(r.errLines()).hasSize(1);
        return r.errLines().get(0);
    }

    @Test
    void aNonNumberOptionValue() throws Exception {
        assertThat(onlyLine(run("final-q5", "--epochs", "abc")))
                .isEqualTo(
                        "final-q5: invalid value for option '--epochs': 'abc' is not an int; see 'sheetlab final-q5 --help'");
    }

    @Test
    void anUnknownOption() throws Exception {
        assertThat(onlyLine(run("final-q5", "--no-such-option")))
                .isEqualTo("final-q5: unknown option: '--no-such-option'; see 'sheetlab final-q5 --help'");
    }

    @Test
    void anOutputFolderThatCannotBeCreated() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        assertThat(onlyLine(run("final-q5", "--output-dir", file.resolve("run").toString())))
                .contains("cannot create the run folder " + file.resolve("run"))
                .contains("--output-dir");
    }

    @Test
    void aCorruptIdxFile() throws Exception {
        Path installed = requireFashionMnist();
        Path data = org.sheetlab.experiments.Smoke.corruptFashionMnistCopy(installed, tmp.resolve("data"));
        assertThat(onlyLine(run(
                        "final-q5",
                        "--epochs",
                        "1",
                        "--max-batches",
                        "2",
                        "--quiet",
                        "--data-dir",
                        data.toString(),
                        "--output-dir",
                        tmp.resolve("idx").toString())))
                .contains("t10k-labels-idx1-ubyte is corrupt")
                .contains("fetch.sh");
    }

    /** A checkpoint cut short (as by a copy that ran out of space): --resume refuses it in one line. */
    @Test
    void aTruncatedCheckpoint() throws Exception {
        requireFashionMnist();
        Path dir = tmp.resolve("run");
        int firstCode = PackagedJar.runToExit(
                PackagedJar.commandSeparately(
                        tmp.resolve("first.out"),
                        tmp.resolve("first.err"),
                        "final-q5",
                        "--epochs",
                        "1",
                        "--max-batches",
                        "2",
                        "--quiet",
                        "--output-dir",
                        dir.toString()),
                java.time.Duration.ofMinutes(3),
                tmp.resolve("first.err"));
        assertThat(firstCode).as(Files.readString(tmp.resolve("first.err"))).isZero();
        Path checkpoint = dir.resolve("checkpoint.zip");
        byte[] bytes = Files.readAllBytes(checkpoint);
        Files.write(checkpoint, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(onlyLine(run(
                        "final-q5",
                        "--epochs",
                        "2",
                        "--max-batches",
                        "2",
                        "--quiet",
                        "--resume",
                        "--output-dir",
                        dir.toString())))
                .contains("the checkpoint " + checkpoint + " is corrupt");
    }

    /**
     * The run folder on a 600 KiB tmpfs: the first checkpoint (about 2.8 MB) does not fit. The run ends with one
     * line naming the file and the space, leaves no temporary file, and exits 2. Needs root to mount.
     */
    @Test
    void aFullDisk() throws Exception {
        requireFashionMnist();
        Path mount = Files.createDirectories(tmp.resolve("small"));
        Assumptions.assumeTrue(
                exec("mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs is not permitted here (needs root)");
        try {
            Path dir = mount.resolve("run");
            Result r =
                    run("final-q5", "--max-batches", "2", "--epochs", "1", "--quiet", "--output-dir", dir.toString());
            assertThat(r.last())
                    .startsWith("final-q5: cannot write " + dir.resolve("checkpoint.zip") + ": no space left")
                    .contains("it needed more than the")
                    .contains("KiB written")
                    .contains("no checkpoint was written yet");
            assertThat(r.errLines().subList(0, r.errLines().size() - 1))
                    .as("only progress logged before it")
                    .allMatch(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d INFO .*"));
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".tmp"))
                        .doesNotContain("checkpoint.zip");
            }
        } finally {
            exec("umount", mount.toString());
        }
    }

    private static Path requireFashionMnist() {
        Path dir = FashionMnist.locate().orElse(null);
        Assumptions.assumeTrue(dir != null, "Fashion-MNIST is not installed (datasets/fashion-mnist/fetch.sh)");
        return dir;
    }

    private static int exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } finally {
            PackagedJar.end(p);
        }
    }
}

package org.sheetlab.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class SheetlabCliTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = SheetlabCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out);
        PrintWriter errWriter = new PrintWriter(err);
        cli.setOut(outWriter);
        cli.setErr(errWriter);
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true));
        try {
            int code = cli.execute(args);
            outWriter.flush();
            errWriter.flush();
            return new Run(code, out + captured.toString(), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void helpListsEveryRegisteredExperiment() {
        assertThat(run("--help").code()).isZero();
        String help = SheetlabCli.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(SheetlabCli.EXPERIMENTS).isNotEmpty();
        for (Class<?> e : SheetlabCli.EXPERIMENTS) {
            Command c = e.getAnnotation(Command.class);
            String experiments = help.substring(help.indexOf("Experiments:"), help.indexOf("Tools:"));
            assertThat(experiments).contains(c.name()).contains(c.description()[0].substring(0, 15));
        }
    }

    /** An experiment's name (run folder, run.json) is its command's name: it is written once, in @Command. */
    @Test
    void everyExperimentIsNamedByItsCommand() throws Exception {
        for (Class<?> e : SheetlabCli.EXPERIMENTS) {
            Object experiment = e.getDeclaredConstructor().newInstance();
            assertThat(((org.sheetlab.experiments.run.Experiment<?, ?, ?>) experiment).name())
                    .isEqualTo(e.getAnnotation(Command.class).name());
        }
    }

    /** Every experiment smoke-runs from the command line with the common options. */
    @Test
    void everyExperimentSmokeRunsFromTheCommandLine() {
        for (Class<?> e : SheetlabCli.EXPERIMENTS) {
            String name = e.getAnnotation(Command.class).name();
            Path out = tmp.resolve(name);
            Run r = run(
                    name,
                    "--epochs",
                    "1",
                    "--max-batches",
                    "2",
                    "--batch-size",
                    "16",
                    "--seed",
                    "7",
                    "--quiet",
                    "--output-dir",
                    out.toString());
            assertThat(r.code()).as(name + ": " + r.err()).isZero();
            assertThat(out.resolve("run.json")).exists();
            try {
                assertThat(org.sheetlab.train.run.RunDirectory.JSON
                                .readTree(out.resolve("run.json").toFile())
                                .get("status")
                                .asText())
                        .as(name)
                        .isEqualTo("completed");
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    @Test
    void countPrintsTheSheetTotals() {
        Run r = run("count", "final-q5", "--input", "400");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("151,410")
                .contains("810")
                .contains("120,300")
                .contains("30,100")
                .contains("1,010");
        Run batch = run("count", "final-q5", "--input", "400", "--batch-size", "32");
        assertThat(batch.out()).contains(String.format("%,d", 32 * 810));
    }

    @Test
    void countListsAndCountsEveryCatalogModel() {
        Run list = run("count", "--list");
        assertThat(list.code()).isZero();
        for (org.sheetlab.models.catalog.ModelCatalog.Entry e : org.sheetlab.models.catalog.ModelCatalog.entries()) {
            assertThat(list.out()).contains(e.name()).contains(e.description());
            Run r = run("count", e.name());
            assertThat(r.code()).as(e.name() + ": " + r.err()).isZero();
            long total = 0;
            for (org.sheetlab.models.NetworkSpec n : e.builder().networks()) {
                long own = n.init().numParams();
                total += own;
                assertThat(r.out()).as(e.name()).contains(String.format(java.util.Locale.ROOT, "%,d", own));
            }
            assertThat(r.out()).as(e.name()).contains(String.format(java.util.Locale.ROOT, "%,d", total));
        }
        assertThat(run("count", "pooling-cnn").out()).contains("46,730");
        Run gan = run("count", "gan", "--input", "100");
        assertThat(gan.out())
                .contains("generator:")
                .contains("discriminator:")
                .contains(String.format(
                        java.util.Locale.ROOT,
                        "total parameters (generator + discriminator): %,d",
                        (64 * 256 + 256 + 256 * 100 + 100) + (100 * 256 + 256 + 256 + 1)));
        assertThat(run("count", "seq2seq-attention").code()).isZero();
        Run fixed = run("count", "sign-rnn", "--input", "400");
        assertThat(fixed.code()).isEqualTo(2);
        assertThat(fixed.err()).contains("fixed input").contains("--input");
        assertThat(run("count").code()).isEqualTo(2);
    }

    @Test
    void badInputEndsWithAOneLineErrorAndExitCode2() {
        Run unknown = run("count", "resnet999");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown model").contains("final-q5").doesNotContain("\tat ");
        Run badOption = run(
                "final-q5", "--epochs", "-3", "--output-dir", tmp.resolve("bad").toString());
        assertThat(badOption.code()).isEqualTo(2);
        assertThat(badOption.err().strip()).isEqualTo("final-q5: --epochs must be >= 1, got -3");
        Run resumeWithoutDir = run("final-q5", "--resume");
        assertThat(resumeWithoutDir.code()).isEqualTo(2);
        assertThat(resumeWithoutDir.err()).contains("--output-dir");
        assertThat(Files.exists(tmp.resolve("bad").resolve("checkpoint.zip"))).isFalse();
    }

    /**
     * {@code -Dsheetlab.blasThreads=N} sets the threads of ND4J's OpenBLAS GEMMs for the process; a value that is not
     * a whole number >= 1 stops with one line and exit code 2 before any command runs.
     */
    @Test
    void blasThreadsIsSetFromItsPropertyAndABadValueIsOneLine() {
        var blas = org.nd4j.linalg.factory.Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        java.io.PrintStream err = System.err;
        var buf = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setProperty("sheetlab.blasThreads", "two");
            assertThat(SheetlabCli.execute("count", "final-q5")).isEqualTo(2);
            System.setProperty("sheetlab.blasThreads", "2");
            assertThat(SheetlabCli.execute("count", "final-q5")).isEqualTo(0);
            assertThat(blas.getMaxThreads()).isEqualTo(2);
        } finally {
            System.setErr(err);
            System.clearProperty("sheetlab.blasThreads");
            blas.setMaxThreads(before);
        }
        assertThat(buf.toString(java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("Exception")
                .contains("sheetlab: -Dsheetlab.blasThreads must be a whole number >= 1, got 'two' (it sets the "
                        + "threads of ND4J's OpenBLAS GEMMs; leave it out for one per OMP thread)");
    }

    /** Exit code 2 and exactly one line on stderr, no stack trace; returns that line. */
    private static String oneLineError(Run r) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> !l.isBlank())).as(r.err()).hasSize(1);
        assertThat(r.err())
                .doesNotContain("Exception")
                .doesNotContain("at org.")
                .doesNotContain("Usage:");
        return r.err().strip();
    }

    /** A harness setting the library names ("batchSize must be >= 1, got 0") is printed with its flag. */
    @Test
    void aBadHarnessSettingIsNamedByItsFlag() {
        assertThat(oneLineError(run(
                        "final-q5",
                        "--batch-size",
                        "0",
                        "--output-dir",
                        tmp.resolve("b").toString())))
                .isEqualTo("final-q5: --batch-size must be >= 1, got 0");
        assertThat(oneLineError(run(
                        "final-q5",
                        "--max-batches",
                        "0",
                        "--output-dir",
                        tmp.resolve("m").toString())))
                .isEqualTo("final-q5: --max-batches must be >= 1 (or null for all), got 0");
        assertThat(oneLineError(run(
                        "final-q5",
                        "--checkpoint-every",
                        "-1",
                        "--output-dir",
                        tmp.resolve("c").toString())))
                .isEqualTo("final-q5: --checkpoint-every must be >= 0 (0: only at epoch ends), got -1");
    }

    /** A model option error names that one option, its value and the allowed range, and no other option. */
    @Test
    void aBadModelOptionIsNamedAloneWithItsValueAndRange() {
        assertThat(oneLineError(run(
                        "gan",
                        "--channels",
                        "0",
                        "--output-dir",
                        tmp.resolve("g").toString())))
                .isEqualTo("gan: --channels must be two numbers >= 1 (e.g. 32,64), got [0]");
        assertThat(oneLineError(run(
                        "gan",
                        "--conv",
                        "--channels",
                        "0,64",
                        "--output-dir",
                        tmp.resolve("g").toString())))
                .isEqualTo("gan: --channels must be two numbers >= 1 (e.g. 32,64), got [0, 64]");
        assertThat(oneLineError(run(
                        "gan", "--latent", "0", "--output-dir", tmp.resolve("g").toString())))
                .isEqualTo("gan: --latent must be >= 1, got 0");
        assertThat(oneLineError(run(
                        "gan",
                        "--judge-epochs",
                        "0",
                        "--output-dir",
                        tmp.resolve("g").toString())))
                .isEqualTo("gan: --judge-epochs must be >= 1, got 0");
        assertThat(oneLineError(run(
                        "moe",
                        "--experts",
                        "0",
                        "--output-dir",
                        tmp.resolve("e").toString())))
                .isEqualTo("moe: --experts must be >= 1, got 0");
        assertThat(oneLineError(run(
                        "moe", "--top-k", "5", "--output-dir", tmp.resolve("e").toString())))
                .isEqualTo("moe: --top-k must be between 0 (mix all experts) and --experts (4), got 5");
        assertThat(Files.exists(tmp.resolve("g"))).isFalse();
        assertThat(Files.exists(tmp.resolve("e"))).isFalse();
    }

    /** The experiments' own option checks name one option each too (they used to list every option's rule). */
    @Test
    void anExperimentsOwnOptionErrorNamesOneOption() {
        String out = tmp.resolve("x").toString();
        assertThat(oneLineError(run("vae", "--latent", "0", "--output-dir", out)))
                .isEqualTo("vae: --latent must be >= 1, got 0");
        assertThat(oneLineError(run("vae", "--betas", "1,-2", "--output-dir", out)))
                .isEqualTo("vae: --betas must be one or more numbers >= 0, got [1.0, -2.0]");
        assertThat(oneLineError(run("newton", "--sgd-lr", "0", "--output-dir", out)))
                .isEqualTo("newton: --sgd-lr must be > 0, got 0.0");
        assertThat(oneLineError(run("char-lm", "--temperature", "0", "--output-dir", out)))
                .isEqualTo("char-lm: --temperature must be > 0, got 0.0");
        assertThat(oneLineError(run("mc-dropout", "--samples", "1", "--output-dir", out)))
                .isEqualTo("mc-dropout: --samples must be >= 2, got 1");
        assertThat(oneLineError(run("attention", "--heatmaps", "-1", "--output-dir", out)))
                .isEqualTo("attention: --heatmaps must be >= 0, got -1");
        assertThat(oneLineError(run("count", "final-q5", "--batch-size", "0")))
                .isEqualTo("count: --batch-size must be >= 1, got 0");
        assertThat(Files.exists(tmp.resolve("x"))).isFalse();
    }

    /** camelCase settings map to the command's kebab-case options; a setting without an option keeps its name. */
    @Test
    void settingsMapToTheCommandsOwnOptions() {
        CommandLine.Model.CommandSpec moe =
                SheetlabCli.commandLine().getSubcommands().get("moe").getCommandSpec();
        assertThat(SheetlabCli.optionName(moe, "batchSize")).isEqualTo("--batch-size");
        assertThat(SheetlabCli.optionName(moe, "topK")).isEqualTo("--top-k");
        assertThat(SheetlabCli.optionName(moe, "outputDir")).isEqualTo("--output-dir");
        assertThat(SheetlabCli.optionName(moe, "classes")).isNull();
        assertThat(SheetlabCli.optionName(moe, "channels")).isNull();
    }

    @Test
    void aNonNumberOptionValueIsOneLineNotTheUsage() {
        assertThat(oneLineError(run("final-q5", "--epochs", "abc")))
                .isEqualTo(
                        "final-q5: invalid value for option '--epochs': 'abc' is not an int; see 'sheetlab final-q5 --help'");
    }

    @Test
    void anUnknownOptionIsOneLineWithTheHelpCommand() {
        assertThat(oneLineError(run("final-q5", "--epoch", "3")))
                .startsWith("final-q5: unknown option")
                .contains("'--epoch'")
                .contains("did you mean --epochs")
                .endsWith("see 'sheetlab final-q5 --help'");
        assertThat(oneLineError(run("count"))).startsWith("count: name a model").contains("--list");
    }

    @Test
    void anUnwritableOutputFolderIsOneLine() throws java.io.IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        assertThat(oneLineError(run(
                        "final-q5",
                        "--epochs",
                        "1",
                        "--output-dir",
                        file.resolve("run").toString())))
                .startsWith("final-q5: cannot create the run folder " + file.resolve("run"))
                .endsWith("choose a writable --output-dir");
    }

    @Test
    void aCorruptCheckpointIsOneLine() throws java.io.IOException {
        Path dir = Files.createDirectories(tmp.resolve("corrupt"));
        Files.writeString(dir.resolve("run.json"), "{}");
        Files.write(dir.resolve("checkpoint.zip"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        assertThat(oneLineError(run(
                        "final-q5",
                        "--epochs",
                        "1",
                        "--max-batches",
                        "2",
                        "--quiet",
                        "--resume",
                        "--output-dir",
                        dir.toString())))
                .contains("checkpoint " + dir.resolve("checkpoint.zip"))
                .contains("corrupt");
    }

    @Test
    void aCorruptIdxFileIsOneLine() throws java.io.IOException {
        Path installed = org.sheetlab.data.fashionmnist.FashionMnist.locate().orElse(null);
        assertThat(installed)
                .as("Fashion-MNIST is not installed; install it with "
                        + org.sheetlab.data.fashionmnist.FashionMnist.FETCH_COMMAND + " (scripts/test does)")
                .isNotNull();
        Path data = org.sheetlab.experiments.Smoke.corruptFashionMnistCopy(installed, tmp.resolve("data"));
        assertThat(oneLineError(run(
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
                .contains("t10k-labels-idx1-ubyte");
    }
}

package org.sheetlab.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.cli.SheetlabCli;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine;

/**
 * The benchmark layout: one command class per benchmark under {@code sheetlab bench}, the defaults scripts/bench had,
 * the last line's format, the options a composite benchmark hands on, and the JSON of sheetlab's side in the form
 * bench/report.py reads (measured with tiny counts; the numbers themselves are not checked).
 */
class BenchCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = SheetlabCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            int code = cli.execute(args);
            return new Run(code, captured.toString(), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    private static CommandLine bench() {
        return SheetlabCli.commandLine().getSubcommands().get("bench");
    }

    @Test
    void everyBenchmarkIsACommandClassOfItsOwn() {
        Map<String, CommandLine> subs = bench().getSubcommands();
        assertThat(subs.keySet())
                .containsExactlyInAnyOrder(
                        "final-q5",
                        "cnn",
                        "lstm",
                        "gru",
                        "rnn",
                        "vae",
                        "gan",
                        "gan-conv",
                        "sgemm",
                        "pooling",
                        "newton",
                        "vgg",
                        "style",
                        "nms",
                        "yolo",
                        "word2vec",
                        "onednn",
                        "all");
        Set<Class<?>> classes = subs.values().stream()
                .map(c -> c.getCommandSpec().userObject().getClass())
                .collect(Collectors.toSet());
        assertThat(classes).hasSize(18).allSatisfy(c -> assertThat(Bench.class).isAssignableFrom(c));
        for (CommandLine sub : subs.values()) {
            if (sub.getCommandSpec().userObject() instanceof Bench b) {
                assertThat(b.name()).isEqualTo(sub.getCommandName());
            }
        }
    }

    /**
     * bench all runs the nine benchmarks through their own command objects (picocli's, with their own defaults);
     * --quick gives each one round and half its timed batches; --also adds only the optional ones.
     */
    @Test
    void benchAllRunsEachBenchmarksOwnCommandAtItsOwnOrQuickCounts() throws Exception {
        assertThat(AllBench.CORE)
                .containsExactly("final-q5", "cnn", "lstm", "gru", "pooling", "vae", "gan", "gan-conv", "sgemm");
        assertThat(bench().getSubcommands().keySet()).containsAll(AllBench.CORE).containsAll(AllBench.OPTIONAL);

        CommandLine root = SheetlabCli.commandLine();
        root.parseArgs("bench", "all", "--seed", "9", "--python", "py");
        CommandLine cli = root.getSubcommands().get("bench");
        AllBench all =
                (AllBench) cli.getSubcommands().get("all").getCommandSpec().userObject();
        assertThat(all.selected()).isEqualTo(AllBench.CORE);
        all.root = tmp;
        all.out = tmp.resolve("out");
        Bench q5 = all.part("final-q5", tmp.resolve("results"));
        assertThat(q5)
                .isSameAs(cli.getSubcommands().get("final-q5").getCommandSpec().userObject());
        assertThat(List.of(q5.rounds, q5.batches, q5.warmup)).containsExactly(3, 400, 300);
        assertThat(q5.seed).isEqualTo(9);
        assertThat(q5.python).isEqualTo("py");
        assertThat(q5.resultsDir).isEqualTo(tmp.resolve("results")).isDirectory();
        assertThat(q5.out).isEqualTo(tmp.resolve("out").resolve("final-q5")).isDirectory();

        CommandLine quickRoot = SheetlabCli.commandLine();
        quickRoot.parseArgs("bench", "all", "--quick", "--also", "nms,yolo");
        AllBench quick = (AllBench) quickRoot
                .getSubcommands()
                .get("bench")
                .getSubcommands()
                .get("all")
                .getCommandSpec()
                .userObject();
        assertThat(quick.selected())
                .startsWith(AllBench.CORE.toArray(String[]::new))
                .endsWith("nms", "yolo");
        quick.root = tmp;
        quick.out = tmp.resolve("quick-out");
        Bench gan = quick.part("gan-conv", tmp.resolve("quick-results"));
        assertThat(List.of(gan.rounds, gan.batches, gan.warmup)).containsExactly(1, 30, 30);
        Bench q5Quick = quick.part("final-q5", tmp.resolve("quick-results"));
        assertThat(List.of(q5Quick.rounds, q5Quick.batches)).containsExactly(1, 200);

        AllBench some = new AllBench();
        new CommandLine(some).parseArgs("--quick", "--only", "sgemm,final-q5", "--also", "nms");
        assertThat(some.selected()).containsExactly("sgemm", "final-q5", "nms");
        AllBench notCore = new AllBench();
        new CommandLine(notCore).parseArgs("--only", "nms");
        assertThatThrownBy(notCore::selected).hasMessageContaining("'nms' is not one of");

        AllBench wrong = new AllBench();
        new CommandLine(wrong).parseArgs("--also", "newton");
        assertThatThrownBy(wrong::selected)
                .hasMessageContaining("'newton' is not an optional benchmark")
                .hasMessageContaining("nms, yolo, vgg, style, word2vec");
    }

    @Test
    void benchAloneNamesTheBenchmarks() {
        Run r = run("bench");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("name a benchmark").contains("final-q5").contains("gan-conv");
    }

    /**
     * The settings scripts/bench used (its usage lines and the counts it passed to each measurement; the warm-ups since
     * 2026-12-06 long enough for the JIT, see TrainingBench).
     */
    @Test
    void theDefaultsAreTheOnesScriptsBenchUsed() {
        FinalQ5Bench q5 = new FinalQ5Bench();
        new CommandLine(q5).parseArgs();
        assertThat(q5.batchSizes).containsExactly(32, 128, 512);
        assertThat(List.of(q5.rounds, q5.batches, q5.warmup)).containsExactly(3, 400, 300);
        assertThat(q5.dnnl)
                .as("sheetlab's faster configuration is taken, as the peer's")
                .isTrue();
        assertThat(q5.childJvmOptions()).isEmpty();
        FinalQ5Bench noDnnl = new FinalQ5Bench();
        new CommandLine(noDnnl).parseArgs("--no-dnnl");
        assertThat(noDnnl.dnnl).isFalse();
        record Setting(TrainingBench bench, int batchSize, int batches, int warmup) {}
        for (Setting s : List.of(
                new Setting(new CnnBench(), 64, 200, 500),
                new Setting(new LstmBench(), 64, 100, 200),
                new Setting(new GruBench(), 64, 100, 200),
                new Setting(new VaeBench(), 128, 200, 300),
                new Setting(new GanBench(), 128, 200, 300),
                new Setting(new GanConvBench(), 128, 60, 30))) {
            new CommandLine(s.bench()).parseArgs();
            assertThat(List.of(s.bench().batchSize, s.bench().batches, s.bench().warmup))
                    .as(s.bench().name())
                    .containsExactly(s.batchSize(), s.batches(), s.warmup());
        }
        assertThat(new GanConvBench().convolutional()).isTrue();
        assertThat(new GanBench().convolutional()).isFalse();
        PoolingBench pooling = new PoolingBench();
        new CommandLine(pooling).parseArgs("--iterations", "7");
        assertThat(pooling.batches).isEqualTo(7);
        FinalQ5Bench sizes = new FinalQ5Bench();
        new CommandLine(sizes).parseArgs("--batch-sizes", "16 64", "--batches", "5");
        assertThat(sizes.batchSizes).containsExactly(16, 64);
        assertThat(sizes.batches).isEqualTo(5);
    }

    @Test
    void aMissingPeerPythonIsOneLineNamingItAndTheInstallCommand() {
        Run r = run("bench", "sgemm", "--python", "/nonexistent/python3");
        assertThat(r.code()).isNotZero();
        assertThat(r.err())
                .contains("/nonexistent/python3")
                .contains("apt-get install python3-torch")
                .doesNotContain("at org.sheetlab");
    }

    @Test
    void theLastLineSaysTheRatioOrWhyThereIsNone() {
        assertThat(Bench.ratioLine(OptionalDouble.of(0.8666), "x")).isEqualTo("ratio vs best peer: 0.87");
        assertThat(Bench.ratioLine(OptionalDouble.of(1.005), "x")).isEqualTo("ratio vs best peer: 1.01");
        assertThat(Bench.ratioLine(OptionalDouble.empty(), new NewtonBench().noPeer()))
                .isEqualTo("ratio vs best peer: n/a (no peer: an internal dense vs block-diagonal comparison)");
    }

    @Test
    void aCompositeBenchmarkHandsItsOptionsToItsParts() throws Exception {
        RnnBench rnn = new RnnBench();
        new CommandLine(rnn)
                .parseArgs("--rounds", "1", "--seed", "7", "--batches", "5", "--python", "py", "--results-dir", "r");
        rnn.root = tmp;
        rnn.out = tmp.resolve("out");
        LstmBench lstm = rnn.part(new LstmBench());
        assertThat(List.of(lstm.rounds, lstm.batches, lstm.warmup)).containsExactly(1, 5, 200);
        assertThat(lstm.seed).isEqualTo(7);
        assertThat(lstm.python).isEqualTo("py");
        assertThat(lstm.resultsDir).isEqualTo(Path.of("r"));
        assertThat(lstm.out).isEqualTo(tmp.resolve("out").resolve("lstm")).isDirectory();
        assertThat(Bench.file("torch1", "128", 2)).isEqualTo("torch1-128-2.json");
        assertThat(Bench.file("sheetlab", "", 3)).isEqualTo("sheetlab-3.json");

        // vgg runs the style-transfer iteration after its training step, at bench style's own counts (30, 3)
        VggBench vgg = new VggBench();
        new CommandLine(vgg).parseArgs("--rounds", "2", "--skip-full", "--python", "py");
        vgg.root = tmp;
        vgg.out = tmp.resolve("vgg-out");
        StyleBench style = vgg.stylePart();
        assertThat(List.of(style.rounds, style.batches, style.warmup)).containsExactly(2, 30, 3);
        assertThat(style.skipFull).isTrue();
        assertThat(style.python).isEqualTo("py");
        assertThat(style.out).isEqualTo(tmp.resolve("vgg-out").resolve("style")).isDirectory();
        StyleBench defaults = new StyleBench();
        new CommandLine(defaults).parseArgs();
        assertThat(List.of(defaults.batches, defaults.warmup)).containsExactly(style.batches, style.warmup);
    }

    /** word2vec's sheetlab side on a tiny corpus: the vectors file and the keys bench/report.py reads. */
    @Test
    void word2vecMeasuresFastSkipGramAndWritesTheVectors() throws Exception {
        java.nio.file.Path corpus = tmp.resolve("corpus.txt");
        java.nio.file.Files.writeString(corpus, "a b c a b c a b c d\n".repeat(50));
        java.nio.file.Path prefix = tmp.resolve("prefix.txt");
        assertThat(Word2VecBench.prefix(corpus, prefix, 0.000025)).isEqualTo(30); // 3 lines reach 25 tokens
        assertThat(java.nio.file.Files.readAllLines(prefix)).hasSize(3);
        java.nio.file.Path vectors = tmp.resolve("v.bin");
        Run w2v = run(
                "bench",
                "word2vec",
                "--measure",
                "--corpus",
                corpus.toString(),
                "--corpus-tokens",
                "500",
                "--epochs",
                "1",
                "--threads",
                "1",
                "--dimension",
                "8",
                "--vectors",
                vectors.toString());
        assertThat(w2v.code()).as(w2v.err()).isZero();
        JsonNode w = RunDirectory.JSON.readTree(w2v.out());
        assertThat(w.get("vocabulary").asInt()).isEqualTo(4);
        assertThat(w.get("wordsPerSecond").asDouble()).isPositive();
        assertThat(w.get("trainSeconds").asDouble()).isPositive();
        assertThat(org.sheetlab.text.embedding.Word2VecFormat.readBinary(vectors)
                        .size())
                .isEqualTo(4);
    }

    /**
     * bench onednn's measurement checks the ops against our layers before it times them: lstmLayer (oneDNN and
     * libnd4j's loop) and lstmLayer_bp agree with FastLSTM, gru_bp (M2.1) does not agree with GRU's gradient.
     */
    @Test
    void oneDnnMeasureChecksTheOpsAgainstOurLayersAndTimesEveryCandidate() throws Exception {
        Run r = run("bench", "onednn", "--measure", "--rounds", "1", "--batches", "1", "--warmup", "0");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = RunDirectory.JSON.readTree(r.out());
        JsonNode checks = j.get("checks");
        assertThat(checks.get("lstmValid").asBoolean()).isTrue();
        assertThat(checks.get("lstmForwardOneDnnMaxAbsDiff").asDouble()).isLessThan(OneDnnRnnBench.TOLERANCE);
        assertThat(checks.get("gruForwardMaxAbsDiff").asDouble()).isLessThan(OneDnnRnnBench.TOLERANCE);
        assertThat(checks.get("gruValid").asBoolean()).isFalse();
        for (String k : List.of(
                OneDnnRnnBench.LSTM_OURS,
                OneDnnRnnBench.LSTM_ONEDNN,
                OneDnnRnnBench.LSTM_LOOP,
                OneDnnRnnBench.GRU_OURS,
                OneDnnRnnBench.GRU_OP)) {
            assertThat(j.get("medianMs").get(k).asDouble()).as(k).isPositive();
        }
    }

    /** sheetlab's side of sgemm and pooling, as the child JVM prints it: the keys bench/report.py reads. */
    @Test
    void measurePrintsSheetlabsSideAsTheJsonTheReportReads() throws Exception {
        Run sgemm = run("bench", "sgemm", "--measure", "--batches", "1", "--warmup", "0");
        assertThat(sgemm.code()).as(sgemm.err()).isZero();
        JsonNode s = RunDirectory.JSON.readTree(sgemm.out());
        assertThat(s.get("gflopsOneThread").asDouble()).isPositive();
        assertThat(s.get("gflopsTwoThreadSplit").asDouble()).isPositive();
        if (Files.isRegularFile(Paths.get("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"))) {
            // the system OpenBLAS (DirectGemm's SYSTEM backend) beside the bundled one, named
            assertThat(s.get("gflopsSystemOneThread").asDouble()).isPositive();
            assertThat(s.get("gflopsSystemOpenBlasThreads").asDouble()).isPositive();
            assertThat(s.get("systemOpenBlas").asText()).contains("OpenBLAS 0.");
        }

        Run pooling = run("bench", "pooling", "--measure", "--iterations", "1", "--warmup", "0");
        assertThat(pooling.code()).as(pooling.err()).isZero();
        JsonNode ms = RunDirectory.JSON.readTree(pooling.out()).get("medianMs");
        for (String layer : List.of(
                "sheetlab p-pool p=2", "sheetlab p-pool p=3", "sheetlab log-average", "dl4j PNORM p=2", "dl4j AVG")) {
            assertThat(ms.get(layer).asDouble()).as(layer).isPositive();
        }

        // nms reads the boxes the peer wrote: two boxes with IoU 1/7 and scores 0.9, 0.7 both survive
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bench-nms-");
        java.nio.ByteBuffer boxes = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double v : new double[] {0, 0, 2, 2, 1, 1, 3, 3}) {
            boxes.putDouble(v);
        }
        java.nio.file.Files.write(dir.resolve("boxes-2.bin"), boxes.array());
        java.nio.file.Files.write(
                dir.resolve("scores-2.bin"),
                java.nio.ByteBuffer.allocate(16)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putDouble(0.9)
                        .putDouble(0.7)
                        .array());
        Run nms = run(
                "bench",
                "nms",
                "--measure",
                "--sizes",
                "2",
                "--boxes-dir",
                dir.toString(),
                "--batches",
                "1",
                "--warmup",
                "0");
        assertThat(nms.code()).as(nms.err()).isZero();
        JsonNode n = RunDirectory.JSON.readTree(nms.out());
        assertThat(n.get("kept").get("2").asInt()).isEqualTo(2);
        assertThat(n.get("medianMs").get("2").asDouble()).isPositive();

        Run vgg = run("bench", "vgg", "--measure", "--batches", "1", "--warmup", "0", "--batch-size", "2");
        assertThat(vgg.code()).as(vgg.err()).isZero();
        JsonNode v = RunDirectory.JSON.readTree(vgg.out());
        assertThat(v.get("samplesPerSecond").asDouble()).isPositive();
        // the peer's count of the same layout: bench/vgg_torch.py prints "parameters": 614738 at width 0.125, 32x32, 10
        // classes
        assertThat(v.get("parameters").asLong()).isEqualTo(614_738L);
        assertThat(List.of(
                        v.get("width").asDouble(),
                        v.get("size").asDouble(),
                        v.get("batchSize").asDouble()))
                .containsExactly(0.125, 32.0, 2.0);

        Run style = run(
                "bench", "style", "--measure", "--batches", "2", "--warmup", "0", "--size", "32", "--config", "small");
        assertThat(style.code()).as(style.err()).isZero();
        JsonNode st = RunDirectory.JSON.readTree(style.out());
        assertThat(st.get("samplesPerSecond").asDouble()).isPositive();
        assertThat(st.get("finalLoss").asDouble()).isFinite().isPositive();
        assertThat(List.of(
                        st.get("width").asDouble(),
                        st.get("size").asDouble(),
                        st.get("batches").asDouble()))
                .containsExactly(0.125, 32.0, 2.0);
        assertThat(st.get("config").asText()).isEqualTo("small");
    }

    /** The style benchmark's defaults are the style-transfer experiment's: width 0.125, 192x192, its layers. */
    @Test
    void theStyleBenchmarkRunsTheExperimentsDefaults() {
        StyleBench style = new StyleBench();
        new CommandLine(style).parseArgs();
        assertThat(List.of(style.width, (double) style.size)).containsExactly(0.125, 192.0);
        org.sheetlab.experiments.style.StyleTransferExperiment.Options o =
                new org.sheetlab.experiments.style.StyleTransferExperiment.Options();
        assertThat(StyleBench.CONTENT_LAYER).isEqualTo(o.contentLayer);
        assertThat(StyleBench.STYLE_LAYERS).isEqualTo(o.styleLayers);
        assertThat(o.size).isEqualTo(style.size);
        assertThat(List.of(o.alpha, o.beta, o.tv)).containsExactly(1.0, 1e5, 0.0);
        assertThat(o.learningRate.get()).isEqualTo(0.02); // StyleBench's Adam step
    }

    /** yolo's sheetlab side: images/s of both settings' keys, and the peer's parameter count of the same layers. */
    @Test
    void yoloMeasuresTheDefaultDetectorOfThePeersSize() throws Exception {
        Run yolo = run("bench", "yolo", "--measure", "--batches", "1", "--warmup", "0", "--batch-size", "2");
        assertThat(yolo.code()).as(yolo.err()).isZero();
        JsonNode y = RunDirectory.JSON.readTree(yolo.out());
        assertThat(y.get("samplesPerSecond").asDouble()).isPositive();
        assertThat(y.get("detectImagesPerSecond").asDouble()).isPositive();
        assertThat(y.get("foldedImagesPerSecond").asDouble()).isPositive();
        assertThat(y.get("batchSize").asInt()).isEqualTo(2);
        // bench/yolo_torch.py prints "parameters": 255883 (its parameters plus the BatchNorm running statistics)
        assertThat(y.get("parameters").asLong()).isEqualTo(255_883L);
    }
    /**
     * bench all's report (bench/report_all.py) on two benchmarks' own records and one without a ratio: one table
     * (benchmark, sheetlab, best peer, ratio), the geometric mean of the ratios last (the one without a ratio left out
     * and said so), final-q5's share of sgemm's GEMM-bound ceiling, the JSON under --results-dir with the CPU named,
     * and ratio.json for the last line. Needs /usr/bin/python3 (no torch).
     */
    @Test
    void benchAllsReportPrintsOneTableWithTheGeometricMeanLast() throws Exception {
        Path python = Paths.get("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3");
        Path root = Paths.get("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("bench").resolve("report_all.py"))) {
            root = root.getParent();
        }
        assertThat(root).as("the checkout holding bench/report_all.py").isNotNull();
        Path q5 = Files.createDirectories(tmp.resolve("parts").resolve("final-q5"));
        Files.writeString(
                q5.resolve("final-q5-2026-12-05.json"),
                "{\"rows\": [{\"batchSize\": 32, \"sheetlabFastMedian\": 12000, \"bestPeer\": 10000},"
                        + " {\"batchSize\": 512, \"sheetlabFastMedian\": 60000, \"bestPeer\": 80000,"
                        + " \"sheetlabBestMedian\": 66000, \"sheetlabBestConfiguration\": \"-Dsheetlab.blas.dnnl=true\"}]}");
        Path sgemm = Files.createDirectories(tmp.resolve("parts").resolve("sgemm"));
        Files.writeString(
                sgemm.resolve("sgemm-2026-12-05.json"),
                "{\"sheetlab\": {\"impl\": \"x\", \"gflopsOneThread\": 100.0, \"gflopsRowSplit\": 150.0},"
                        + " \"pytorch\": {\"gflops\": 120.0}, \"pytorch1Thread\": {\"gflops\": 110.0},"
                        + " \"finalQ5GemmBoundSamplesPerSecond\": 120000}");
        Path cnn = Files.createDirectories(tmp.resolve("parts").resolve("cnn"));
        String entry = "{\"name\": \"%s\", \"ratio\": %s, \"seconds\": 60, \"rounds\": 1, \"batches\": 20,"
                + " \"resultsDir\": \"%s\"}";
        Path list = tmp.resolve("all.json");
        Files.writeString(
                list,
                "{\"quick\": true, \"benchmarks\": ["
                        + String.format(entry, "final-q5", "0.75", q5) + ", "
                        + String.format(entry, "cnn", "null", cnn) + ", "
                        + String.format(entry, "sgemm", "1.25", sgemm) + "]}");
        Path results = tmp.resolve("results");
        Process p = new ProcessBuilder(
                        python.toString(),
                        root.resolve("bench").resolve("report_all.py").toString(),
                        "--run",
                        list.toString(),
                        "--out",
                        tmp.toString(),
                        "--results-dir",
                        results.toString(),
                        "--threads",
                        "2")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<String> lines =
                out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int header = lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("benchmark"))
                .findFirst()
                .orElseThrow());
        assertThat(lines.get(header)).matches("benchmark\\s+sheetlab\\s+best peer\\s+ratio");
        assertThat(lines.get(header + 1))
                .startsWith("final-q5")
                .contains("12,000 / 66,000 samples/s") // sheetlab's faster configuration where recorded
                .contains("10,000 / 80,000 samples/s")
                .endsWith("0.75");
        assertThat(lines.get(header + 2)).startsWith("cnn").endsWith("n/a");
        assertThat(lines.get(header + 3))
                .startsWith("sgemm")
                .contains("150 GFLOP/s")
                .contains("120 GFLOP/s")
                .endsWith("1.25");
        double geomean = Math.sqrt(0.75 * 1.25);
        assertThat(lines.get(header + 4))
                .startsWith("geometric mean")
                .contains(String.format(java.util.Locale.ROOT, "%.2f", geomean))
                .contains("1 benchmark(s) without a ratio left out");
        assertThat(out)
                .contains("final-q5 batch 512: 66,000 samples/s, 55% of the GEMM-bound ceiling")
                .contains("sheetlab's configuration: -Dsheetlab.blas.dnnl=true, the default's 60,000 samples/s");
        assertThat(RunDirectory.JSON
                        .readTree(tmp.resolve("ratio.json").toFile())
                        .get("ratio")
                        .asDouble())
                .isCloseTo(geomean, org.assertj.core.data.Offset.offset(1e-9));
        List<Path> recorded;
        try (var files = Files.list(results)) {
            recorded = files.toList();
        }
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).getFileName().toString()).matches("all-\\d{4}-\\d{2}-\\d{2}-quick\\.json");
        JsonNode doc = RunDirectory.JSON.readTree(recorded.get(0).toFile());
        assertThat(doc.get("machine").get("cpu").asText()).isNotBlank();
        assertThat(doc.get("geometricMean").asDouble()).isCloseTo(geomean, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(doc.get("benchmarks")).hasSize(3);
        assertThat(doc.get("benchmarks").get(0).get("results").has("final-q5-2026-12-05.json"))
                .isTrue();
    }
}

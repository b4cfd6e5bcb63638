package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab bench all}: every benchmark of issue 20's table ({@link #CORE}: final-q5, cnn, lstm, gru, pooling,
 * vae, gan, gan-conv, sgemm) one after the other, each through its own command ({@code bench <name>}'s
 * {@link Bench#compare}, the same rounds, peers and report as when run alone, at its own default counts), then one
 * table (bench/report_all.py): benchmark, sheetlab's figures, the best peer's, the ratio, and the geometric mean of the
 * ratios last, which is also the command's {@code ratio vs best peer: X.XX}. One JSON records the run:
 * {@code bench/results/all-<date>.json} with the CPU (its model name from /proc/cpuinfo), the date, the mode, each
 * benchmark's ratio, time and its own result file (what {@code bench <name>} alone records) embedded. The benchmarks'
 * own per-name files in bench/results/ are left as they were.
 *
 * <p>{@code --quick}: one round instead of three and half the timed batches of each training benchmark (never below
 * {@value #QUICK_MIN_BATCHES}); {@code --also nms,yolo,vgg,style,word2vec} adds the longer or off-table benchmarks
 * ({@link #OPTIONAL}), whose ratios then enter the mean too; {@code --only final-q5,sgemm} runs only those of the
 * nine (a short check of the command end to end; the table and the mean then cover those only). Where final-q5 and
 * sgemm both ran, the report also prints final-q5's share of the GEMM-bound ceiling (sgemm's own figure).
 */
@Command(
        name = "all",
        mixinStandardHelpOptions = true,
        description = "Every benchmark (final-q5, cnn, lstm, gru, pooling, vae, gan, gan-conv, sgemm) in one command: "
                + "one table, the geometric mean of the ratios last, one JSON in bench/results/all-<date>.json.")
final class AllBench extends Bench {
    /** The nine benchmarks of the table, in its order. */
    static final List<String> CORE =
            List.of("final-q5", "cnn", "lstm", "gru", "pooling", "vae", "gan", "gan-conv", "sgemm");

    /**
     * Benchmarks {@code --also} may add: nms takes seconds but is not on the table; yolo a few minutes; vgg (the real
     * VGG19 at 224×224), style and word2vec (a 10.9M-token corpus, the C tool fetched and built) 10–30 minutes each.
     */
    static final List<String> OPTIONAL = List.of("nms", "yolo", "vgg", "style", "word2vec");

    /** The fewest timed batches a benchmark runs with under {@code --quick}. */
    static final int QUICK_MIN_BATCHES = 20;

    @Option(
            names = "--quick",
            description = "One round per benchmark and half the timed batches (about 15 minutes on 2 cores, against "
                    + "about 40 for the default three rounds).")
    boolean quick;

    @Option(
            names = "--also",
            split = ",",
            description = "Optional benchmarks to add: nms, yolo, vgg, style, word2vec (comma-separated).")
    List<String> also = new ArrayList<>();

    @Option(
            names = "--only",
            split = ",",
            description = "Run only these of the nine (comma-separated, e.g. final-q5,sgemm): a shorter run of the "
                    + "same command, its table and geometric mean over these only.")
    List<String> only = new ArrayList<>();

    AllBench() {
        super(0, 0);
    }

    /** The benchmarks this run covers, in order: the nine (or {@code --only}), then {@code --also}. */
    List<String> selected() {
        for (String name : also) {
            if (!OPTIONAL.contains(name)) {
                throw new IllegalArgumentException("bench all --also: '" + name + "' is not an optional benchmark; "
                        + "choose from " + String.join(", ", OPTIONAL));
            }
        }
        for (String name : only) {
            if (!CORE.contains(name)) {
                throw new IllegalArgumentException("bench all --only: '" + name + "' is not one of " + CORE);
            }
        }
        List<String> names = new ArrayList<>(only.isEmpty() ? CORE : only);
        also.stream().filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    /**
     * The command object of {@code bench <name>} (as picocli built it, with its own defaults), set up to run as part
     * of this one: its seed, Python, checkout and a folder of its own under this run's; its results go to
     * {@code results}, so that the per-name files in bench/results/ stay as they were; under {@code --quick} one
     * round and half its timed batches.
     */
    Bench part(String name, Path results) throws IOException {
        CommandLine sub =
                spec.parent() == null ? null : spec.parent().subcommands().get(name);
        if (sub == null || !(sub.getCommandSpec().userObject() instanceof Bench b)) {
            throw new IllegalStateException("bench all: no benchmark command named " + name);
        }
        b.seed = seed;
        b.python = python;
        b.root = root;
        b.out = Files.createDirectories(out.resolve(name));
        b.resultsDir = Files.createDirectories(results);
        if (quick) {
            b.rounds = 1;
            b.batches = Math.max(Math.min(QUICK_MIN_BATCHES, b.batches), b.batches / 2);
        }
        return b;
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        List<Map<String, Object>> done = new ArrayList<>();
        for (String name : selected()) {
            Path results = out.resolve("results").resolve(name);
            Bench b = part(name, results);
            System.out.println("== bench " + name + (quick ? " (quick: " : " (") + b.rounds + " round(s), " + b.batches
                    + " batches)");
            System.out.flush();
            long t0 = System.nanoTime();
            OptionalDouble ratio = b.compare();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("ratio", ratio.isPresent() ? ratio.getAsDouble() : null);
            entry.put("seconds", (System.nanoTime() - t0) / 1e9);
            entry.put("rounds", b.rounds);
            entry.put("batches", b.batches);
            entry.put("resultsDir", results.toString());
            done.add(entry);
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("quick", quick);
        run.put("benchmarks", done);
        Path list = out.resolve("all.json");
        Files.writeString(list, json(run));
        List<String> cmd = List.of(
                python,
                root.resolve("bench").resolve("report_all.py").toString(),
                "--run",
                list.toString(),
                "--out",
                out.toString(),
                "--results-dir",
                (resultsDir != null ? resultsDir.toAbsolutePath() : Paths.get("bench", "results")).toString(),
                "--threads",
                Integer.toString(cores));
        System.out.flush();
        run(
                new ProcessBuilder(cmd)
                        .directory(root.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT),
                String.join(" ", cmd));
        var ratio =
                RunDirectory.JSON.readTree(out.resolve("ratio.json").toFile()).get("ratio");
        return ratio == null || ratio.isNull() ? OptionalDouble.empty() : OptionalDouble.of(ratio.asDouble());
    }

    @Override
    Map<String, Object> measure() {
        throw new IllegalArgumentException("bench all has no --measure of its own: use bench <name> --measure");
    }
}

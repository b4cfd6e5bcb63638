package org.sheetlab.experiments.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What every benchmark shares. {@code sheetlab bench <what>} runs the whole comparison: rounds that alternate
 * sheetlab's measurement (each in a fresh child JVM with this JVM's flags, i.e. the ones {@code scripts/sheetlab} sets)
 * with the peer's (a {@code bench/*_torch.py} script, at threads = cores and at 1 thread), then {@code bench/report.py
 * <what>} prints the table and records the result in {@code bench/results/}; the last line is always
 * {@code ratio vs best peer: X.XX} (sheetlab's figure over the faster peer setting's; above 1 = sheetlab faster).
 * With {@code --measure} (what the child JVMs run) it measures sheetlab's side once in this JVM and prints one JSON
 * object. A subclass says what it measures ({@link #measure}) and how its rounds go ({@link #compare}).
 */
abstract class Bench implements Callable<Integer> {
    @Option(
            names = "--rounds",
            description = "Alternating rounds of sheetlab and peer measurements (default: ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(
            names = "--batches",
            description =
                    "Timed batches (or calls) per measurement, sheetlab's and the peer's (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--warmup", description = "Untimed warm-up batches (or calls) first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--results-dir",
            description = "Where the result is recorded (default: bench/results of the checkout).")
    Path resultsDir;

    @Option(
            names = "--python",
            description = "The Python that runs the peers and the report; it needs torch (default: ${DEFAULT-VALUE}).")
    String python = "/usr/bin/python3";

    @Option(
            names = "--measure",
            hidden = true,
            description = "Measure sheetlab's side once in this JVM and print it as JSON (what the child JVMs run).")
    boolean measureOnly;

    /** The checkout's root (bench/ and bench/results/ under it); set by {@link #call}. */
    Path root;

    /** The folder the rounds write their JSON into; deleted at the end. */
    Path out;

    /** This command in picocli's model: its root is the CLI whose main class the child JVMs run. */
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The cores: the peer's thread count at its multi-threaded setting. */
    final int cores = Runtime.getRuntime().availableProcessors();

    /** A benchmark whose measurements time {@code batches} after {@code warmup} by default. */
    Bench(int batches, int warmup) {
        this.batches = batches;
        this.warmup = warmup;
    }

    /** The command's name ({@code final-q5}, {@code cnn}, …), from its annotation. */
    String name() {
        return getClass().getAnnotation(Command.class).name();
    }

    /** sheetlab's side, measured once in this JVM: the JSON object the child JVM prints. */
    abstract Map<String, Object> measure();

    /**
     * The rounds ({@link #sheetlab}, {@link #peers}) and then the {@link #report}: the ratio vs the best peer, or
     * empty where there is no peer ({@link #noPeer}).
     */
    abstract OptionalDouble compare() throws IOException, InterruptedException;

    /** Why there is no peer, for the last line when {@link #compare} returns empty. */
    String noPeer() {
        return "no peer";
    }

    /** Whether the peers need torch (checked before the first round, with the install command in the message). */
    boolean needsTorch() {
        return true;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (measureOnly) {
            System.out.println(json(measure()));
            return 0;
        }
        root = checkoutRoot();
        checkPython();
        out = Files.createTempDirectory("sheetlab-bench-" + name() + "-");
        try {
            OptionalDouble ratio = compare();
            System.out.println(ratioLine(ratio, noPeer()));
        } finally {
            deleteTree(out);
        }
        return 0;
    }

    /** The last line of every benchmark. */
    static String ratioLine(OptionalDouble ratio, String noPeer) {
        return "ratio vs best peer: "
                + (ratio.isPresent()
                        ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble())
                        : "n/a (" + noPeer + ")");
    }

    /** Runs {@code other} as part of this benchmark: same rounds, seed, results, Python and checkout. */
    <B extends Bench> B part(B other) throws IOException {
        other.rounds = rounds;
        other.seed = seed;
        other.batches = batches;
        other.warmup = warmup;
        other.resultsDir = resultsDir;
        other.python = python;
        other.spec = spec;
        other.root = root;
        other.out = Files.createDirectories(out.resolve(other.name()));
        return other;
    }

    /** {@code <kind>[-<key>]-<round>.json}, the name report.py reads. */
    static String file(String kind, String key, int round) {
        return kind + (key.isEmpty() ? "" : "-" + key) + "-" + round + ".json";
    }

    /** sheetlab's side in a fresh JVM: {@code bench <name> --measure --seed S args}, its JSON into {@code file}. */
    void sheetlab(String file, Object... args) throws IOException, InterruptedException {
        List<String> cli = new ArrayList<>(List.of("bench", name(), "--measure", "--seed", Long.toString(seed)));
        cli.addAll(strings(args));
        java(out.resolve(file), false, cli);
    }

    /**
     * A child JVM with this JVM's flags and class path running the sheetlab CLI with {@code cli}: its standard output
     * into {@code stdout} (its errors too when {@code mergeErrors}), OMP_NUM_THREADS=1 unless set (as scripts/sheetlab).
     */
    void java(Path stdout, boolean mergeErrors, List<String> cli) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java")
                        .toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(childJvmOptions());
        // the CLI this benchmark runs under (picocli's root command), without a compile-time dependency on it
        String main = spec.root().userObject().getClass().getName();
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(cli);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile());
        if (mergeErrors) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        run(pb, "sheetlab " + String.join(" ", cli));
    }

    /** JVM options the child JVMs get beyond this JVM's own (none unless a benchmark says). */
    List<String> childJvmOptions() {
        return List.of();
    }

    /**
     * The peer {@code bench/<script> args} at threads = cores into {@code torch[-key]-<round>.json} and at one thread
     * into {@code torch1[-key]-<round>.json}. The peer runs without this JVM's OMP_NUM_THREADS (scripts/sheetlab sets
     * it to 1 for ND4J), so its BLAS keeps its own default, as before.
     */
    void peers(String key, int round, String script, Object... args) throws IOException, InterruptedException {
        peer(file("torch", key, round), script, cores, args);
        peer(file("torch1", key, round), script, 1, args);
    }

    /** One peer run: {@code python bench/<script> args --threads N}, its JSON into {@code file}. */
    void peer(String file, String script, int threads, Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(
                List.of(python, root.resolve("bench").resolve(script).toString()));
        cmd.addAll(strings(args));
        cmd.addAll(List.of("--threads", Integer.toString(threads)));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectOutput(out.resolve(file).toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("OMP_NUM_THREADS");
        run(pb, String.join(" ", cmd));
    }

    /**
     * {@code bench/report.py <name>} over this run's JSON, its table on standard output, its record in the results
     * folder; returns the ratio it computed (empty when it wrote null).
     */
    OptionalDouble report(Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                python,
                root.resolve("bench").resolve("report.py").toString(),
                name(),
                "--out",
                out.toString(),
                "--results-dir",
                (resultsDir != null ? resultsDir.toAbsolutePath() : Paths.get("bench", "results")).toString(),
                "--rounds",
                Integer.toString(rounds),
                "--threads",
                Integer.toString(cores),
                "--batches",
                Integer.toString(batches)));
        cmd.addAll(strings(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1"); // what sheetlab's side ran with, for the record
        System.out.flush();
        run(pb, String.join(" ", cmd));
        JsonNode ratio =
                RunDirectory.JSON.readTree(out.resolve("ratio.json").toFile()).get("ratio");
        return ratio == null || ratio.isNull() ? OptionalDouble.empty() : OptionalDouble.of(ratio.asDouble());
    }

    /** The Fashion-MNIST folder for the peers' {@code --data-dir}: found, else fetched (as the experiments do). */
    static String dataDir() {
        return FashionMnist.DESCRIPTOR.locateOrFetch(null).toString();
    }

    static void run(ProcessBuilder pb, String what) throws IOException, InterruptedException {
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException(
                    "sheetlab bench: '" + what + "' failed with exit code " + rc + " (its messages are above)");
        }
    }

    private void checkPython() throws InterruptedException {
        String probe = needsTorch() ? "import torch" : "import json";
        boolean ok;
        try {
            ok = new ProcessBuilder(python, "-c", probe)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) { // no such program
            ok = false;
        }
        if (!ok) {
            throw new IllegalArgumentException("sheetlab bench " + name() + ": the peers need Python with "
                    + (needsTorch() ? "PyTorch" : "the standard library") + " at " + python + " ('" + probe
                    + "' failed); on Debian: apt-get install python3-torch libopenblas0-pthread"
                    + " (OpenBLAS makes the peer's BLAS a fair one), or name another with --python");
        }
    }

    /**
     * The checkout: the working directory when it holds bench/report.py (scripts/bench runs from the root), else the
     * folder above the jar's modules/ (modules/sheetlab-experiments/target/sheetlab.jar).
     */
    private static Path checkoutRoot() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Paths.get("").toAbsolutePath());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Paths.get(entry).toAbsolutePath();
            for (Path q = p.getParent(); q != null; q = q.getParent()) {
                candidates.add(q);
            }
        }
        return candidates.stream()
                .filter(p -> Files.isRegularFile(p.resolve("bench").resolve("report.py")))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("sheetlab bench needs the checkout's bench/ folder "
                        + "(bench/report.py and the PyTorch peers); run it from the repository root, "
                        + "e.g. through scripts/bench"));
    }

    private static List<String> strings(Object... args) {
        return Arrays.stream(args).map(String::valueOf).toList();
    }

    static String json(Map<String, Object> result) {
        try {
            return RunDirectory.JSON.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

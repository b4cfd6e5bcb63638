package org.sheetlab.experiments.pooling;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.experiments.run.RunDirectory;
import org.sheetlab.experiments.train.EpochMetrics;
import org.sheetlab.experiments.train.TrainingOptions;
import org.sheetlab.experiments.train.TrainingSession;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains {@link PoolingCnn} once per pooling kind on Fashion-MNIST, each in its own sub-folder (a full run folder
 * with checkpoints), then writes {@code summary.json}, {@code summary.txt} and {@code comparison.png}.
 */
@Command(name = "pooling", mixinStandardHelpOptions = true,
        description = "Same CNN on Fashion-MNIST with max, avg, p-pooling (p=2,3) and log-average pooling.")
public final class PoolingExperiment implements Callable<Integer> {
    public static final String NAME = "pooling";

    /** Options: the common ones plus the pooling kinds and the learning rate. */
    public static final class Options extends TrainingOptions {
        @Option(names = "--variants", split = ",", description = "Pooling kinds to compare (default: "
                + "max,avg,p2,p3,logavg).")
        public List<String> variants = List.of("max", "avg", "p2", "p3", "logavg");

        @Option(names = "--learning-rate", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        public double learningRate = 1e-3;

        public Options() {
            epochs = 1; // DL4J's CPU convolutions run at ~360 samples/s here: one epoch of five variants ≈ 15 min
            batchSize = 64;
        }
    }

    /** Per-variant results, in the order run. */
    public record Result(Path runDir, List<Comparison.Row> rows) {}

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        System.out.print(Comparison.report(run(options).runDir()));
        return 0;
    }

    public static Result run(Options o) {
        List<PoolingKind> kinds = o.variants.stream().map(PoolingKind::parse).toList();
        if (o.learningRate <= 0) {
            throw new IllegalArgumentException("--learning-rate must be > 0, got " + o.learningRate);
        }
        RunDirectory run = TrainingSession.open(NAME, o);
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        TrainingSession.writeRunJson(run, NAME, "running", o, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        List<Comparison.Row> rows = new ArrayList<>();
        for (PoolingKind kind : kinds) {
            PoolingCnn.Builder model = PoolingCnn.builder().setPooling(kind).optSeed(o.seed)
                    .optUpdater(new org.nd4j.linalg.learning.config.Adam(o.learningRate));
            MultiLayerConfiguration conf = model.build();
            RunDirectory sub = new RunDirectory(run.resolve(kind.cliName()));
            TrainingSession.Outcome out = TrainingSession.train(sub, "pooling " + kind.cliName(), conf,
                    model.inputType(), o,
                    data.train().shuffledIterator(o.batchSize, o.seed), data.test().orderedIterator(o.batchSize));
            double seconds = out.history().stream().mapToDouble(EpochMetrics::seconds).average().orElse(0);
            rows.add(new Comparison.Row(kind.cliName(), out.last().testAccuracy(), out.last().testLoss(), seconds,
                    out.history().size(), out.network().numParams()));
            Comparison.write(run, NAME, rows);
        }
        TrainingSession.writeRunJson(run, NAME, "completed", o, Map.of("dataset", "Fashion-MNIST 60000/10000",
                "variants", rows));
        return new Result(run.root(), rows);
    }
}

package org.sheetlab.experiments.pooling;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.LearningRateOption;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Variants;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains {@link PoolingCnn} once per pooling kind on Fashion-MNIST, each in its own sub-folder (a full run folder
 * with checkpoints), then writes {@code metrics.json}, {@code summary.txt} and {@code comparison.png}.
 */
@Command(
        name = "pooling",
        mixinStandardHelpOptions = true,
        description = "Same CNN on Fashion-MNIST with max, avg, p-pooling (p=2,3) and log-average pooling.")
public final class PoolingExperiment implements Callable<Integer> {
    public static final String NAME = "pooling";

    /** Options: run and loop options, the pooling kinds, the learning rate and the data folder. */
    public static final class Options extends ExperimentOptions {
        @Option(
                names = "--variants",
                split = ",",
                description = "Pooling kinds to compare (default: " + "max,avg,p2,p3,logavg).")
        public List<String> variants = List.of("max", "avg", "p2", "p3", "logavg");

        @Mixin
        public LearningRateOption learningRate = new LearningRateOption(1e-3);

        public Options() {
            super(6, 64); // with FastConvolution2D ≈ 15 min for all five variants on 2 cores
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
        double lr = o.learningRate.get();
        TrainingConfig config = o.config();
        RunDirectory run = o.open(NAME);
        FashionMnist data = Datasets.fashionMnist(o.dataDir);
        ExperimentRun.writeRunJson(run, NAME, "running", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        List<Comparison.Row> rows = Variants.compare(run, NAME, kinds, PoolingKind::cliName, (kind, folder) -> {
            PoolingCnn.Builder b =
                    PoolingCnn.builder().setPooling(kind).optSeed(config.seed()).optUpdater(new Adam(lr));
            return Variants.row(
                    kind.cliName(),
                    ExperimentRun.trainNetwork(
                            folder,
                            "pooling " + kind.cliName(),
                            config,
                            b,
                            data.train().shuffledSource(config.batchSize(), config.seed()),
                            ExperimentRun.classification("test", data.test().orderedSource(config.batchSize()))));
        });
        ExperimentRun.writeRunJson(
                run, NAME, "completed", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000", "variants", rows));
        return new Result(run.root(), rows);
    }
}

package org.sheetlab.experiments.pooling;

import java.util.List;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, p-pooling and log-average pooling: trains {@link PoolingCnn} once per pooling kind on Fashion-MNIST, each in
 * its own sub-folder, and compares test accuracy, test loss and time per epoch.
 */
@Command(
        name = "pooling",
        mixinStandardHelpOptions = true,
        description = "Same CNN on Fashion-MNIST with max, avg, p-pooling (p=2,3) and log-average pooling.")
public final class PoolingExperiment extends FashionMnistExperiment<PoolingExperiment.Options, PoolingKind> {

    /** Options: run and loop options, the pooling kinds, the learning rate and the data folder. */
    public static final class Options extends TrainedOptions {
        @Option(
                names = "--variants",
                split = ",",
                description = "Pooling kinds to compare (default: " + "max,avg,p2,p3,logavg).")
        public List<String> variants = List.of("max", "avg", "p2", "p3", "logavg");

        public Options() {
            super(6, 64, 1e-3); // with FastConvolution2D ≈ 15 min for all five variants on 2 cores
        }
    }

    public PoolingExperiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    @Override
    protected List<PoolingKind> variants(Options o) {
        return o.variants.stream().map(PoolingKind::parse).toList();
    }

    @Override
    protected String label(PoolingKind kind) {
        return kind.cliName();
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, PoolingKind kind, RunDirectory folder) {
        return Trial.of(
                PoolingCnn.builder()
                        .setPooling(kind)
                        .optSeed(c.seed())
                        .optUpdater(new Adam(c.options().learningRate.get())),
                trainSource(c),
                testClassification(c));
    }
}

package org.sheetlab.experiments.pooling;

import java.util.List;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
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
 *
 * <p>The defaults are a recipe that brings every pooling kind to Fashion-MNIST's 91.6% for "2 Conv+pooling" within
 * the experiment's time budget (widths, batch norm and dropout found with the PyTorch replica
 * bench/pooling_recipe_torch.py; dropout 0.1, decay 0.85 and 12 epochs from the 2026-12-05 runs, README Results,
 * where dropout 0.3 with decay 0.75 for 10 epochs left p-pooling and log-average 0.2-0.5 points short): the sheet's shape
 * (conv 5×5 → pool 2×2 → conv 5×5 → pool 2×2 → dense → 10) with {@code --widths} channels and units, batch
 * normalization after each convolution ({@code --batch-norm}), dropout on the dense layers' inputs
 * ({@code --dropout}) and Adam's learning rate decayed per epoch ({@code --lr-decay}). {@code --widths 16,32,64
 * --batch-norm false --dropout 0 --lr-decay 1} is the plain network of the earlier runs (46,730 parameters).
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

        @Option(
                names = "--widths",
                split = ",",
                description = "Channels of conv1, conv2 and units of the dense layer (default: 32,64,128).")
        public List<Integer> widths = List.of(32, 64, 128);

        @Option(
                names = "--batch-norm",
                arity = "1",
                description =
                        "Batch normalization after each convolution, before its ReLU (default: ${DEFAULT-VALUE}).")
        public boolean batchNorm = true;

        @Option(
                names = "--dropout",
                description =
                        "Drop probability on the inputs of the dense and output layers (default: ${DEFAULT-VALUE};"
                                + " 0 = none).")
        public double dropout = 0.1;

        @Option(
                names = "--lr-decay",
                description = "Learning rate multiplier per epoch, lr_e = lr * decay^e "
                        + "(default: ${DEFAULT-VALUE}; 1 = constant).")
        public double lrDecay = 0.85;

        public Options() {
            super(12, 64, 1e-3);
        }
    }

    public PoolingExperiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    @Override
    protected void validate(Options o) {
        check(
                o.widths.size() == 3 && o.widths.stream().allMatch(w -> w != null && w >= 1),
                "--widths takes three whole numbers >= 1 (conv1, conv2, dense), e.g. 32,64,128; got " + o.widths);
        check(o.dropout >= 0 && o.dropout < 1, "--dropout must be in [0, 1), got " + o.dropout);
        check(o.lrDecay > 0 && o.lrDecay <= 1, "--lr-decay must be in (0, 1], got " + o.lrDecay);
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
        Options o = c.options();
        double lr = o.learningRate.get();
        return Trial.of(
                PoolingCnn.builder()
                        .setPooling(kind)
                        .optSeed(c.seed())
                        .optWidths(o.widths.get(0), o.widths.get(1), o.widths.get(2))
                        .optBatchNorm(o.batchNorm)
                        .optDropout(o.dropout)
                        .optUpdater(
                                o.lrDecay == 1
                                        ? new Adam(lr)
                                        : new Adam(new ExponentialSchedule(ScheduleType.EPOCH, lr, o.lrDecay))),
                trainSource(c),
                testClassification(c));
    }
}

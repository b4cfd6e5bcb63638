package org.sheetlab.experiments.signrnn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.LearningRateOption;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Variants;
import org.sheetlab.models.rnn.RecurrentStates;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.rnn.RowsAsSteps;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains {@link RowRnnClassifier} with the sign cell and with the tanh cell on Fashion-MNIST read row by row
 * ({@link RowsAsSteps}), then writes {@code summary.*}, {@code comparison.png} and {@code states.png} /
 * {@code states.json}: histograms of the hidden-state values on test images (the sign-RNN's are exactly ±1).
 */
@Command(
        name = "sign-rnn",
        mixinStandardHelpOptions = true,
        description = "Sign-RNN (sheet Final Q7) vs tanh RNN on Fashion-MNIST read row by row.")
public final class SignRnnExperiment implements Callable<Integer> {
    public static final String NAME = "sign-rnn";
    private static final int BINS = 20;

    /** Options: run and loop options, the hidden size, the learning rate and the data folder. */
    public static final class Options extends ExperimentOptions {
        @Option(names = "--hidden", description = "Hidden state size h (default: ${DEFAULT-VALUE}).")
        public int hidden = 64;

        @Mixin
        public LearningRateOption learningRate = new LearningRateOption(2e-3);

        public Options() {
            super(3, 64);
        }
    }

    public record Result(Path runDir, List<Comparison.Row> rows, Map<String, double[]> stateHistograms) {}

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        System.out.print(Comparison.report(run(options).runDir()));
        return 0;
    }

    public static Result run(Options o) {
        double lr = o.learningRate.get();
        if (o.hidden < 1) {
            throw new IllegalArgumentException("--hidden must be >= 1, got " + o.hidden);
        }
        TrainingConfig config = o.config();
        RunDirectory run = o.open(NAME);
        FashionMnist data = Datasets.fashionMnist(o.dataDir);
        ExperimentRun.writeRunJson(run, NAME, "running", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        INDArray probeX = RowsAsSteps.FASHION_MNIST.apply(
                data.test().orderedIterator(256).next().getFeatures());
        Map<String, double[]> histograms = new LinkedHashMap<>();
        List<Comparison.Row> rows = Variants.compare(
                run,
                NAME,
                List.of(RowRnnClassifier.Cell.SIGN, RowRnnClassifier.Cell.TANH),
                cell -> cell.name().toLowerCase(Locale.ROOT),
                (cell, folder) -> {
                    String name = cell.name().toLowerCase(Locale.ROOT);
                    TrainingResult r = ExperimentRun.trainNetwork(
                            folder,
                            "rnn " + name,
                            config,
                            RowRnnClassifier.builder()
                                    .setCell(cell)
                                    .optHidden(o.hidden)
                                    .optSeed(config.seed())
                                    .optUpdater(new Adam(lr)),
                            data.train()
                                    .shuffledSource(config.batchSize(), config.seed())
                                    .withPreProcessor(RowsAsSteps.FASHION_MNIST),
                            ExperimentRun.classification(
                                    "test",
                                    data.test()
                                            .orderedSource(config.batchSize())
                                            .withPreProcessor(RowsAsSteps.FASHION_MNIST)));
                    histograms.put(name, histogram(RecurrentStates.of((MultiLayerNetwork) r.model(), probeX)));
                    return Variants.row(name, r);
                });
        run.writeJson("states.json", Map.of("bins", BINS, "range", new double[] {-1, 1}, "histograms", histograms));
        writeStatesPlot(run, histograms);
        ExperimentRun.writeRunJson(
                run, NAME, "completed", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000", "variants", rows));
        return new Result(run.root(), rows, histograms);
    }

    /** Fractions of state values in 20 equal bins over [−1, 1]. */
    static double[] histogram(INDArray states) {
        double[] v = states.dup('c').data().asDouble();
        double[] h = new double[BINS];
        for (double x : v) {
            int bin = (int) Math.floor((x + 1) / 2 * BINS);
            h[Math.max(0, Math.min(BINS - 1, bin))]++;
        }
        for (int i = 0; i < BINS; i++) {
            h[i] /= v.length;
        }
        return h;
    }

    private static void writeStatesPlot(RunDirectory run, Map<String, double[]> histograms) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(800)
                .height(420)
                .title("hidden-state values on 256 test images")
                .xAxisTitle("state value (bin centre)")
                .yAxisTitle("fraction")
                .build();
        List<String> centres = new ArrayList<>();
        for (int i = 0; i < BINS; i++) {
            centres.add(String.format(Locale.ROOT, "%.1f", -1 + (i + 0.5) * 2.0 / BINS));
        }
        histograms.forEach((name, h) -> chart.addSeries(
                name, centres, java.util.Arrays.stream(h).boxed().toList()));
        Charts.writePng(run, "states.png", BitmapEncoder.getBufferedImage(chart));
    }
}

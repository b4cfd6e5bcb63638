package org.sheetlab.experiments.signrnn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.experiments.plot.Charts;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.experiments.run.RunDirectory;
import org.sheetlab.experiments.train.EpochMetrics;
import org.sheetlab.experiments.train.TrainingOptions;
import org.sheetlab.experiments.train.TrainingSession;
import org.sheetlab.models.rnn.RecurrentStates;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.rnn.RowsAsSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains {@link RowRnnClassifier} with the sign cell and with the tanh cell on Fashion-MNIST read row by row, then
 * writes {@code summary.*}, {@code comparison.png} and {@code states.png} / {@code states.json}: histograms of the
 * hidden-state values on test images (the sign-RNN's are exactly ±1).
 */
@Command(name = "sign-rnn", mixinStandardHelpOptions = true,
        description = "Sign-RNN (sheet Final Q7) vs tanh RNN on Fashion-MNIST read row by row.")
public final class SignRnnExperiment implements Callable<Integer> {
    public static final String NAME = "sign-rnn";
    private static final int BINS = 20;

    /** Options: the common ones plus the hidden size and learning rate. */
    public static final class Options extends TrainingOptions {
        @Option(names = "--hidden", description = "Hidden state size h (default: ${DEFAULT-VALUE}).")
        public int hidden = 64;

        @Option(names = "--learning-rate", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        public double learningRate = 2e-3;

        public Options() {
            epochs = 3;
            batchSize = 64;
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
        if (o.hidden < 1 || o.learningRate <= 0) {
            throw new IllegalArgumentException("--hidden must be >= 1 and --learning-rate > 0");
        }
        RunDirectory run = TrainingSession.open(NAME, o);
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        TrainingSession.writeRunJson(run, NAME, "running", o, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        List<Comparison.Row> rows = new ArrayList<>();
        Map<String, double[]> histograms = new LinkedHashMap<>();
        ShuffledArrayIterator probe = data.test().orderedIterator(256);
        probe.setPreProcessor(RowsAsSteps.FASHION_MNIST);
        INDArray probeX = probe.next().getFeatures();
        for (RowRnnClassifier.Cell cell : RowRnnClassifier.Cell.values()) {
            String name = cell.name().toLowerCase(java.util.Locale.ROOT);
            ShuffledArrayIterator train = data.train().shuffledIterator(o.batchSize, o.seed);
            train.setPreProcessor(RowsAsSteps.FASHION_MNIST);
            ShuffledArrayIterator test = data.test().orderedIterator(o.batchSize);
            test.setPreProcessor(RowsAsSteps.FASHION_MNIST);
            RowRnnClassifier.Builder model = RowRnnClassifier.builder().setCell(cell).optHidden(o.hidden)
                    .optSeed(o.seed).optUpdater(new org.nd4j.linalg.learning.config.Adam(o.learningRate));
            TrainingSession.Outcome out = TrainingSession.train(new RunDirectory(run.resolve(name)), "rnn " + name,
                    model.build(), model.inputType(), o, train, test);
            double seconds = out.history().stream().mapToDouble(EpochMetrics::seconds).average().orElse(0);
            rows.add(new Comparison.Row(name, out.last().testAccuracy(), out.last().testLoss(), seconds,
                    out.history().size(), out.network().numParams()));
            histograms.put(name, histogram(RecurrentStates.of(out.network(), probeX)));
            Comparison.write(run, NAME, rows);
        }
        run.writeJson("states.json", Map.of("bins", BINS, "range", new double[] {-1, 1}, "histograms", histograms));
        writeStatesPlot(run, histograms);
        TrainingSession.writeRunJson(run, NAME, "completed", o, Map.of("dataset", "Fashion-MNIST 60000/10000",
                "variants", rows));
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
        CategoryChart chart = new CategoryChartBuilder().width(800).height(420)
                .title("hidden-state values on 256 test images").xAxisTitle("state value (bin centre)")
                .yAxisTitle("fraction").build();
        List<String> centres = new ArrayList<>();
        for (int i = 0; i < BINS; i++) {
            centres.add(String.format(java.util.Locale.ROOT, "%.1f", -1 + (i + 0.5) * 2.0 / BINS));
        }
        histograms.forEach((name, h) -> chart.addSeries(name, centres,
                java.util.Arrays.stream(h).boxed().toList()));
        Charts.writePng(run, "states.png", BitmapEncoder.getBufferedImage(chart));
    }
}

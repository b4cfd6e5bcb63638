package org.sheetlab.experiments.rnncompare;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.rnn.RowsAsSteps;
import org.sheetlab.models.rnn.StateGradients;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, "Simple RNN", "LSTM Gates", "GRU" and Final Q7: the same last-step classifier ({@link RowRnnClassifier}) with
 * each recurrent cell, trained on Fashion-MNIST read row by row (28 steps of 28 pixels). Writes the usual comparison
 * ({@code metrics.json}, {@code summary.txt}, {@code comparison.png}: test accuracy and seconds per epoch) and the
 * vanishing-gradient view: ‖∂L/∂s_t‖₂ for t = 1 … 28 on 256 test images ({@link StateGradients#lastStepClassifier}),
 * at initialisation and after training, in {@code gradient-norms.json} and {@code gradient-norms.png} (log scale).
 * The loss reads only s_28, so ∂L/∂s_t is what reaches step t through 28 − t recurrent steps.
 */
@Command(
        name = "rnn-compare",
        mixinStandardHelpOptions = true,
        description = "Sign-RNN vs Simple RNN vs LSTM vs GRU on Fashion-MNIST rows, with ||dL/ds_t|| against t.")
public final class RnnCompareExperiment
        extends FashionMnistExperiment<RnnCompareExperiment.Options, RowRnnClassifier.Cell> {
    static final int PROBE = 256;

    /**
     * The options of an experiment on a row-by-row RNN classifier (this one and sign-rnn): run and loop options, the
     * hidden size, the learning rate and the data folder.
     */
    public static class RowRnnOptions extends TrainedOptions {
        @Option(names = "--hidden", description = "Hidden state size h (default: ${DEFAULT-VALUE}).")
        public int hidden = 64;

        public RowRnnOptions() {
            super(3, 64, 2e-3);
        }

        /** Checks the learning rate and the hidden size. */
        @Override
        public void validate() {
            super.validate();
            if (hidden < 1) {
                throw new IllegalArgumentException("--hidden must be >= 1, got " + hidden);
            }
        }
    }

    /** Options: the row-RNN options and the cells. */
    public static final class Options extends RowRnnOptions {
        @Option(
                names = "--cells",
                split = ",",
                description = "Cells to compare, from sign, tanh, lstm, gru (default: all four).")
        public List<String> cells = List.of("sign", "tanh", "lstm", "gru");
    }

    public RnnCompareExperiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    static RowRnnClassifier.Cell parseCell(String name) {
        for (RowRnnClassifier.Cell c : RowRnnClassifier.Cell.values()) {
            if (c.name().equalsIgnoreCase(name.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("--cells: unknown cell '" + name + "'; use sign, tanh, lstm or gru");
    }

    @Override
    protected List<RowRnnClassifier.Cell> variants(Options o) {
        return o.cells.stream().map(RnnCompareExperiment::parseCell).toList();
    }

    static String cliName(RowRnnClassifier.Cell cell) {
        return cell.name().toLowerCase(Locale.ROOT);
    }

    /** The classifier of {@code cell}, seeded from the run's config. */
    public static RowRnnClassifier.Builder model(Context<?, ?> c, RowRnnClassifier.Cell cell, int hidden, double lr) {
        return RowRnnClassifier.builder()
                .setCell(cell)
                .optHidden(hidden)
                .optSeed(c.seed())
                .optUpdater(new Adam(lr));
    }

    /** The trial of one cell: Fashion-MNIST read row by row ({@link RowsAsSteps}), test loss and accuracy. */
    public static Trial rowTrial(Context<?, FashionMnist> c, RowRnnClassifier.Builder model) {
        return Trial.of(
                model,
                trainSource(c).withPreProcessor(RowsAsSteps.FASHION_MNIST),
                ExperimentRun.classification("test", testSource(c).withPreProcessor(RowsAsSteps.FASHION_MNIST)));
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, RowRnnClassifier.Cell cell, RunDirectory folder) {
        return rowTrial(
                c, model(c, cell, c.options().hidden, c.options().learningRate.get()));
    }

    /** ‖∂L/∂s_t‖ per step on the probe images, at initialisation (same seed) and after training, per cell. */
    @Override
    protected Map<String, Object> finish(
            Context<Options, FashionMnist> c, List<Row> rows, Map<String, TrainingResult> results) {
        DataSet probe = c.data().test().orderedIterator(PROBE).next();
        var probeX = RowsAsSteps.FASHION_MNIST.apply(probe.getFeatures());
        Map<String, double[]> initNorms = new LinkedHashMap<>();
        Map<String, double[]> trainedNorms = new LinkedHashMap<>();
        for (RowRnnClassifier.Cell cell : variants(c.options())) {
            String name = cliName(cell);
            MultiLayerNetwork initial = new MultiLayerNetwork(
                    model(c, cell, c.options().hidden, c.options().learningRate.get())
                            .build());
            initial.init();
            initNorms.put(
                    name,
                    StateGradients.lastStepClassifier(initial, probeX, probe.getLabels())
                            .normsPerStep());
            trainedNorms.put(
                    name,
                    StateGradients.lastStepClassifier(
                                    (MultiLayerNetwork) results.get(name).model(), probeX, probe.getLabels())
                            .normsPerStep());
        }
        c.run()
                .writeJson(
                        "gradient-norms.json",
                        Map.of(
                                "what",
                                "||dL/ds_t||_2 over " + PROBE + " test images, t = 1..28; L = mean cross-entropy",
                                "initial",
                                initNorms,
                                "trained",
                                trainedNorms));
        Charts.writePng(
                c.run(),
                "gradient-norms.png",
                Charts.sideBySide(chart("at initialisation", initNorms), chart("after training", trainedNorms)));
        return Map.of("initialNorms", initNorms, "trainedNorms", trainedNorms);
    }

    private static XYChart chart(String title, Map<String, double[]> norms) {
        XYChart chart = Charts.chart(
                XYChart::new, 560, 400, "||dL/ds_t|| " + title, "step t (the loss reads s_28)", "gradient norm (log)");
        chart.getStyler().setYAxisLogarithmic(true);
        norms.forEach((name, n) -> {
            double[] t = IntStream.rangeClosed(1, n.length).asDoubleStream().toArray();
            // a log axis cannot show 0 (a sign-RNN whose states never flip passes no gradient back): floor at 1e-12
            double[] shown =
                    java.util.Arrays.stream(n).map(v -> Math.max(v, 1e-12)).toArray();
            chart.addSeries(name, t, shown);
        });
        return chart;
    }
}

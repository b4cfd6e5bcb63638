package org.sheetlab.experiments.signrnn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.CategoryChart;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.rnncompare.RnnCompareExperiment;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.rnn.RecurrentStates;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.rnn.RowsAsSteps;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;

/**
 * Sheet, Final Q7: trains {@link RowRnnClassifier} with the sign cell and with the tanh cell on Fashion-MNIST read row
 * by row ({@link RowsAsSteps}), then writes the comparison and {@code states.png} / {@code states.json}: histograms of
 * the hidden-state values on 256 test images (the sign-RNN's are exactly ±1).
 */
@Command(
        name = "sign-rnn",
        mixinStandardHelpOptions = true,
        description = "Sign-RNN (sheet Final Q7) vs tanh RNN on Fashion-MNIST read row by row.")
public final class SignRnnExperiment extends FashionMnistExperiment<SignRnnExperiment.Options, RowRnnClassifier.Cell> {
    private static final int BINS = 20;

    /** Options: run and loop options, the hidden size, the learning rate and the data folder. */
    public static final class Options extends RnnCompareExperiment.RowRnnOptions {}

    public SignRnnExperiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    @Override
    protected List<RowRnnClassifier.Cell> variants(Options o) {
        return List.of(RowRnnClassifier.Cell.SIGN, RowRnnClassifier.Cell.TANH);
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, RowRnnClassifier.Cell cell, RunDirectory folder) {
        return RnnCompareExperiment.rowTrial(
                c,
                RnnCompareExperiment.model(
                        c, cell, c.options().hidden, c.options().learningRate.get()));
    }

    /** Histograms of the trained networks' hidden states on 256 test images. */
    @Override
    protected Map<String, Object> finish(
            Context<Options, FashionMnist> c, List<Row> rows, Map<String, TrainingResult> results) {
        INDArray probeX = RowsAsSteps.FASHION_MNIST.apply(
                c.data().test().orderedIterator(256).next().getFeatures());
        Map<String, double[]> histograms = new LinkedHashMap<>();
        results.forEach((name, r) ->
                histograms.put(name, histogram(RecurrentStates.of((MultiLayerNetwork) r.model(), probeX))));
        c.run().writeJson("states.json", Map.of("bins", BINS, "range", new double[] {-1, 1}, "histograms", histograms));
        writeStatesPlot(c.run(), histograms);
        return Map.of("stateHistograms", histograms);
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
        CategoryChart chart = Charts.chart(
                CategoryChart::new,
                800,
                420,
                "hidden-state values on 256 test images",
                "state value (bin centre)",
                "fraction");
        List<String> centres = new ArrayList<>();
        for (int i = 0; i < BINS; i++) {
            centres.add(String.format(Locale.ROOT, "%.1f", -1 + (i + 0.5) * 2.0 / BINS));
        }
        histograms.forEach((name, h) -> chart.addSeries(
                name, centres, java.util.Arrays.stream(h).boxed().toList()));
        Charts.writePng(run, "states.png", chart);
    }
}

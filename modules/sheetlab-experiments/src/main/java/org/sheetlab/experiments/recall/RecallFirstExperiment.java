package org.sheetlab.experiments.recall;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.core.metrics.BinaryConfusion;
import org.sheetlab.core.metrics.PrecisionRecallCurve;
import org.sheetlab.data.breastcancer.BreastCancer;
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, Metrics (the melanoma lesson: recall first): trains a small MLP (30 → 16 → 8 → 2, the Final Q5 shape with
 * other widths) on 60% of the breast-cancer data, picks the decision threshold on the 20% validation split so that
 * recall on malignant cases is at least the target, and reports the test split's figures at 0.5 and at that
 * threshold. Writes {@code thresholds.json} (with both confusion matrices) and {@code pr-curve.png} (test
 * precision–recall curve with both operating points) besides the usual run files.
 */
@Command(
        name = "recall-first",
        mixinStandardHelpOptions = true,
        description = "Melanoma lesson on breast-cancer data: pick the threshold for recall >= 0.98.")
public final class RecallFirstExperiment extends Experiment<RecallFirstExperiment.Options, BreastCancer, String> {

    /** Options: the common ones plus the target recall and learning rate. */
    public static final class Options extends TrainedOptions {
        @Option(
                names = "--target-recall",
                description = "Recall to reach on the validation split " + "(default: ${DEFAULT-VALUE}).")
        public double targetRecall = 0.98;

        public Options() {
            super(60, 32, 1e-3);
            loop.checkpointEvery = 0;
        }
    }

    public RecallFirstExperiment() {
        super(
                new Options(),
                Headline.of("threshold", "threshold"),
                Headline.of("validationRecall", "validation recall"),
                Headline.of("testRecall", "test recall"),
                Headline.of("testPrecision", "test precision"),
                Headline.of("testRecallAtHalf", "test recall at 0.5"),
                Headline.of("testPrecisionAtHalf", "test precision at 0.5"));
    }

    @Override
    protected void validate(Options o) {
        check(o.targetRecall > 0 && o.targetRecall <= 1, "--target-recall must be in (0, 1], got " + o.targetRecall);
    }

    /** Early stopping and best-model.zip follow the validation loss (the test split is only read at the end). */
    @Override
    protected TrainingConfig config(Options o, BreastCancer data) {
        return o.configBuilder().monitor("validationLoss", false).build();
    }

    /** The 60/20/20 split is drawn from the run's seed. */
    @Override
    protected BreastCancer data(Options o, long seed, RunDirectory run) {
        return Datasets.breastCancer(o.dataDir, seed);
    }

    @Override
    protected Map<String, Object> describe(BreastCancer data) {
        return Map.of(
                "dataset",
                "Wisconsin breast cancer, 569 = " + data.train().size() + " train / "
                        + data.validation().size() + " validation / "
                        + data.test().size() + " test",
                "positiveClass",
                "malignant");
    }

    @Override
    protected Trial trial(Context<Options, BreastCancer> c, String variant, RunDirectory folder) {
        return Trial.of(
                FinalQ5Network.builder()
                        .setInputSize(BreastCancer.FEATURES)
                        .optHidden(16, 8)
                        .optOutputs(2)
                        .optSeed(c.seed())
                        .optUpdater(new Adam(c.options().learningRate.get())),
                c.data().train().shuffledSource(c.batchSize(), c.seed()),
                ExperimentRun.classification("validation", c.data().validation().orderedSource(c.batchSize())));
    }

    /** The threshold for the target recall on validation, and the test figures at 0.5 and at it. */
    @Override
    protected Map<String, Double> measure(
            Context<Options, BreastCancer> c, String variant, TrainingResult trained, RunDirectory folder) {
        BreastCancer data = c.data();
        MultiLayerNetwork net = (MultiLayerNetwork) trained.model();
        double[] valScores = malignantScores(net, data.validation());
        double threshold =
                BinaryConfusion.thresholdForRecall(valScores, data.validation().labelIds(), c.options().targetRecall);
        double valRecall = BinaryConfusion.at(valScores, data.validation().labelIds(), threshold)
                .recall();
        double[] testScores = malignantScores(net, data.test());
        BinaryConfusion half = BinaryConfusion.at(testScores, data.test().labelIds(), 0.5);
        BinaryConfusion chosen = BinaryConfusion.at(testScores, data.test().labelIds(), threshold);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("targetRecall", c.options().targetRecall);
        json.put("threshold", threshold);
        json.put("validationRecallAtThreshold", valRecall);
        json.put("testAtHalf", metrics(half));
        json.put("testAtThreshold", metrics(chosen));
        folder.writeJson("thresholds.json", json);
        writePrCurve(folder, testScores, data.test().labelIds(), half, chosen, threshold);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("threshold", threshold);
        values.put("validationRecall", valRecall);
        values.put("testRecall", chosen.recall());
        values.put("testPrecision", chosen.precision());
        values.put("testRecallAtHalf", half.recall());
        values.put("testPrecisionAtHalf", half.precision());
        return values;
    }

    static double[] malignantScores(MultiLayerNetwork net, LabeledArrays part) {
        return net.output(part.features(), false).getColumn(1).toDoubleVector();
    }

    private static Map<String, Object> metrics(BinaryConfusion c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("confusion", c);
        m.put("recall", c.recall());
        m.put("precision", c.precision());
        m.put("accuracy", c.accuracy());
        return m;
    }

    private static void writePrCurve(
            RunDirectory run,
            double[] scores,
            int[] labels,
            BinaryConfusion half,
            BinaryConfusion chosen,
            double threshold) {
        PrecisionRecallCurve pr = PrecisionRecallCurve.of(scores, labels);
        XYChart chart =
                Charts.chart(XYChart::new, 640, 480, "precision-recall, test split (malignant)", "recall", "precision");
        chart.addSeries("PR curve", pr.recall(), pr.precision()).setMarker(SeriesMarkers.NONE);
        XYSeries a = chart.addSeries("threshold 0.5", new double[] {half.recall()}, new double[] {half.precision()});
        a.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        XYSeries b = chart.addSeries(
                String.format(Locale.ROOT, "threshold %.3f (recall-first)", threshold),
                new double[] {chosen.recall()},
                new double[] {chosen.precision()});
        b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        Charts.writePng(run, "pr-curve.png", chart);
    }
}

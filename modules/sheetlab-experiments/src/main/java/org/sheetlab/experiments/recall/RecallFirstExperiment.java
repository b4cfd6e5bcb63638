package org.sheetlab.experiments.recall;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.core.metrics.BinaryConfusion;
import org.sheetlab.core.metrics.PrecisionRecallCurve;
import org.sheetlab.data.breastcancer.BreastCancer;
import org.sheetlab.data.iterator.LabeledArrays;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.LearningRateOption;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a small MLP (30 → 16 → 8 → 2, the Final Q5 shape with other widths) on 60% of the breast-cancer data,
 * picks the decision threshold on the 20% validation split so that recall on malignant cases is at least the target,
 * and reports the test split's confusion matrix at 0.5 and at that threshold. Writes {@code thresholds.json} and
 * {@code pr-curve.png} (test precision–recall curve with both operating points) besides the usual run files.
 */
@Command(
        name = "recall-first",
        mixinStandardHelpOptions = true,
        description = "Melanoma lesson on breast-cancer data: pick the threshold for recall >= 0.98.")
public final class RecallFirstExperiment implements Callable<Integer> {
    public static final String NAME = "recall-first";

    /** Options: the common ones plus the target recall and learning rate. */
    public static final class Options extends ExperimentOptions {
        @Option(
                names = "--target-recall",
                description = "Recall to reach on the validation split " + "(default: ${DEFAULT-VALUE}).")
        public double targetRecall = 0.98;

        @Mixin
        public LearningRateOption learningRate = new LearningRateOption(1e-3);

        public Options() {
            super(60, 32);
            loop.checkpointEvery = 0;
        }
    }

    /** The chosen threshold and the test confusion matrices at 0.5 and at it. */
    public record Result(
            Path runDir,
            double threshold,
            BinaryConfusion atHalf,
            BinaryConfusion atThreshold,
            double validationRecall) {}

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        Result r = run(options);
        System.out.printf(
                Locale.ROOT,
                "recall-first: threshold %.4f (validation recall %.3f)%n",
                r.threshold(),
                r.validationRecall());
        System.out.printf(
                Locale.ROOT,
                "  test at 0.5:       %s  recall %.3f precision %.3f accuracy %.3f%n",
                r.atHalf(),
                r.atHalf().recall(),
                r.atHalf().precision(),
                r.atHalf().accuracy());
        System.out.printf(
                Locale.ROOT,
                "  test at threshold: %s  recall %.3f precision %.3f accuracy %.3f%n",
                r.atThreshold(),
                r.atThreshold().recall(),
                r.atThreshold().precision(),
                r.atThreshold().accuracy());
        System.out.println("run folder " + r.runDir());
        return 0;
    }

    public static Result run(Options o) {
        double lr = o.learningRate.get();
        if (!(o.targetRecall > 0 && o.targetRecall <= 1)) {
            throw new IllegalArgumentException("--target-recall must be in (0, 1], got " + o.targetRecall);
        }
        TrainingConfig config =
                o.configBuilder().monitor("validationLoss", false).build();
        RunDirectory run = o.open(NAME);
        BreastCancer data = Datasets.breastCancer(o.dataDir, o.run.seed);
        Map<String, Object> dataset = Map.of(
                "dataset",
                "Wisconsin breast cancer, 569 = " + data.train().size() + " train / "
                        + data.validation().size() + " validation / "
                        + data.test().size() + " test",
                "positiveClass",
                "malignant");
        ExperimentRun.writeRunJson(run, NAME, "running", o, config, dataset);
        FinalQ5Network.Builder model = FinalQ5Network.builder()
                .setInputSize(BreastCancer.FEATURES)
                .optHidden(16, 8)
                .optOutputs(2)
                .optSeed(config.seed())
                .optUpdater(new Adam(lr));
        TrainingResult trained = ExperimentRun.trainNetwork(
                run,
                NAME,
                config,
                model,
                data.train().shuffledSource(config.batchSize(), config.seed()),
                ExperimentRun.classification("validation", data.validation().orderedSource(config.batchSize())));
        MultiLayerNetwork net = (MultiLayerNetwork) trained.model();

        double[] valScores = malignantScores(net, data.validation());
        double threshold =
                BinaryConfusion.thresholdForRecall(valScores, data.validation().labelIds(), o.targetRecall);
        double valRecall = BinaryConfusion.at(valScores, data.validation().labelIds(), threshold)
                .recall();
        double[] testScores = malignantScores(net, data.test());
        BinaryConfusion half = BinaryConfusion.at(testScores, data.test().labelIds(), 0.5);
        BinaryConfusion chosen = BinaryConfusion.at(testScores, data.test().labelIds(), threshold);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("targetRecall", o.targetRecall);
        json.put("threshold", threshold);
        json.put("validationRecallAtThreshold", valRecall);
        json.put("testAtHalf", metrics(half));
        json.put("testAtThreshold", metrics(chosen));
        run.writeJson("thresholds.json", json);
        writePrCurve(run, testScores, data.test().labelIds(), half, chosen, threshold);
        Map<String, Object> extra = new LinkedHashMap<>(dataset);
        extra.put("thresholds", json);
        ExperimentRun.writeRunJson(run, NAME, "completed", o, config, extra);
        return new Result(run.root(), threshold, half, chosen, valRecall);
    }

    /** P(malignant) for every example of a part. */
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
        XYChart chart = new XYChartBuilder()
                .width(640)
                .height(480)
                .title("precision-recall, test split (malignant)")
                .xAxisTitle("recall")
                .yAxisTitle("precision")
                .build();
        chart.addSeries("PR curve", pr.recall(), pr.precision()).setMarker(SeriesMarkers.NONE);
        XYSeries a = chart.addSeries("threshold 0.5", new double[] {half.recall()}, new double[] {half.precision()});
        a.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        XYSeries b = chart.addSeries(
                String.format(Locale.ROOT, "threshold %.3f (recall-first)", threshold),
                new double[] {chosen.recall()},
                new double[] {chosen.precision()});
        b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        org.sheetlab.train.plot.Charts.writePng(run, "pr-curve.png", BitmapEncoder.getBufferedImage(chart));
    }
}

package org.sheetlab.experiments.mcdropout;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.core.metrics.Calibration;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.uncertainty.McDropout;
import org.sheetlab.models.uncertainty.McDropoutMlp;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, Dropout (MC dropout at test time): trains 784 → Dense(300, relu) → BatchNorm → Dense(100, relu, dropout) → BatchNorm → softmax(10, dropout) on
 * Fashion-MNIST, then compares plain inference with MC dropout ({@link McDropout}, T passes) on the test set: accuracy,
 * ECE (15 bins), mean predictive entropy of right and wrong predictions; writes {@code calibration.json} and
 * {@code reliability.png}.
 */
@Command(
        name = "mc-dropout",
        mixinStandardHelpOptions = true,
        description = "MC dropout vs plain inference on Fashion-MNIST (BatchNorm-safe): ECE and reliability diagram.")
public final class McDropoutExperiment extends FashionMnistExperiment<McDropoutExperiment.Options, String> {
    private static final int BINS = 15;

    /** Options: the common ones plus the dropout retain probability, samples and learning rate. */
    public static final class Options extends TrainedOptions {
        @Option(
                names = "--retain",
                description = "Dropout retain probability (DL4J's dropOut(p)) " + "(default: ${DEFAULT-VALUE}).")
        public double retain = 0.5;

        @Option(names = "--samples", description = "MC dropout passes T (default: ${DEFAULT-VALUE}).")
        public int samples = 20;

        public Options() {
            super(3, 128, 1e-3);
        }
    }

    public McDropoutExperiment() {
        super(
                new Options(),
                Headline.of("plainAccuracy", "plain accuracy"),
                Headline.of("plainEce", "plain ECE"),
                Headline.of("mcAccuracy", "MC accuracy"),
                Headline.of("mcEce", "MC ECE"),
                Headline.of("entropyRight", "entropy right"),
                Headline.of("entropyWrong", "entropy wrong"));
    }

    @Override
    protected void validate(Options o) {
        check(o.retain > 0 && o.retain < 1, "--retain must be in (0, 1), got " + o.retain);
        check(o.samples >= 2, "--samples must be >= 2, got " + o.samples);
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, String variant, RunDirectory folder) {
        return Trial.of(
                McDropoutMlp.builder()
                        .setInputSize(784)
                        .optSeed(c.seed())
                        .optUpdater(new Adam(c.options().learningRate.get()))
                        .optRetain(c.options().retain),
                trainSource(c),
                testClassification(c));
    }

    /** Plain inference and MC dropout on the test set: accuracy, ECE, entropy; calibration.json, reliability.png. */
    @Override
    protected Map<String, Double> measure(
            Context<Options, FashionMnist> c, String variant, TrainingResult trained, RunDirectory folder) {
        MultiLayerNetwork net = (MultiLayerNetwork) trained.model();
        int n = c.examples(c.data().test().size());
        INDArray x = c.data().test().features().get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        int[] labels = java.util.Arrays.copyOf(c.data().test().labelIds(), n);
        int samples = c.options().samples;
        INDArray plain = McDropout.deterministic(net, x);
        Nd4j.getRandom().setSeed(c.seed());
        McDropout.Prediction mc = McDropout.predict(net, x, samples);
        Calibration.Bins plainBins = Calibration.reliability(plain, labels, BINS);
        Calibration.Bins mcBins = Calibration.reliability(mc.mean(), labels, BINS);
        Calibration.Split mcSplit = Calibration.byCorrectness(mc.mean(), mc.entropy(), labels);
        double plainAcc = Calibration.accuracy(plain, labels);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("testExamples", n);
        json.put("samples", samples);
        json.put("plain", Map.of("accuracy", plainAcc, "ece", plainBins.ece(), "bins", plainBins));
        json.put(
                "mcDropout",
                Map.of(
                        "accuracy",
                        mcSplit.accuracy(),
                        "ece",
                        mcBins.ece(),
                        "bins",
                        mcBins,
                        "meanEntropyRight",
                        mcSplit.meanRight(),
                        "meanEntropyWrong",
                        mcSplit.meanWrong()));
        folder.writeJson("calibration.json", json);
        XYChart chart = Charts.chart(XYChart::new, 640, 480, "reliability diagram (test)", "confidence", "accuracy");
        chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1})
                .setMarker(SeriesMarkers.NONE);
        addBins(chart, "plain inference", plainBins);
        addBins(chart, "MC dropout (T = " + samples + ")", mcBins);
        Charts.writePng(folder, "reliability.png", chart);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("plainAccuracy", plainAcc);
        values.put("plainEce", plainBins.ece());
        values.put("mcAccuracy", mcSplit.accuracy());
        values.put("mcEce", mcBins.ece());
        values.put("entropyRight", mcSplit.meanRight());
        values.put("entropyWrong", mcSplit.meanWrong());
        return values;
    }

    private static void addBins(XYChart chart, String name, Calibration.Bins b) {
        double[][] xy = b.points();
        chart.addSeries(name, xy[0], xy[1]).setMarker(SeriesMarkers.CIRCLE);
    }
}

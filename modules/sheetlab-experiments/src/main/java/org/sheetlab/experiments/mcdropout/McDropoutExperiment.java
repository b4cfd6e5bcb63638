package org.sheetlab.experiments.mcdropout;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.core.metrics.Calibration;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.LearningRateOption;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.models.uncertainty.McDropout;
import org.sheetlab.models.uncertainty.McDropoutMlp;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains 784 → Dense(300, relu) → BatchNorm → Dense(100, relu, dropout) → BatchNorm → softmax(10, dropout) on
 * Fashion-MNIST, then compares plain inference with MC dropout ({@link McDropout}, T passes) on the test set: accuracy,
 * ECE (15 bins), mean predictive entropy of right and wrong predictions; writes {@code calibration.json} and
 * {@code reliability.png}.
 */
@Command(
        name = "mc-dropout",
        mixinStandardHelpOptions = true,
        description = "MC dropout vs plain inference on Fashion-MNIST (BatchNorm-safe): ECE and reliability diagram.")
public final class McDropoutExperiment implements Callable<Integer> {
    public static final String NAME = "mc-dropout";
    private static final int BINS = 15;

    /** Options: the common ones plus the dropout retain probability, samples and learning rate. */
    public static final class Options extends ExperimentOptions {
        @Option(
                names = "--retain",
                description = "Dropout retain probability (DL4J's dropOut(p)) " + "(default: ${DEFAULT-VALUE}).")
        public double retain = 0.5;

        @Option(names = "--samples", description = "MC dropout passes T (default: ${DEFAULT-VALUE}).")
        public int samples = 20;

        @Mixin
        public LearningRateOption learningRate = new LearningRateOption(1e-3);

        public Options() {
            super(3, 128);
        }
    }

    /** Test-set figures for plain inference and MC dropout. */
    public record Result(
            Path runDir,
            double plainAccuracy,
            double plainEce,
            double mcAccuracy,
            double mcEce,
            double entropyRight,
            double entropyWrong) {}

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        Result r = run(options);
        System.out.printf(
                Locale.ROOT,
                "plain inference: accuracy %.4f, ECE %.4f%nMC dropout (T = %d): accuracy %.4f, "
                        + "ECE %.4f; mean predictive entropy right %.3f, wrong %.3f nats%nrun folder %s%n",
                r.plainAccuracy(),
                r.plainEce(),
                options.samples,
                r.mcAccuracy(),
                r.mcEce(),
                r.entropyRight(),
                r.entropyWrong(),
                r.runDir());
        return 0;
    }

    public static Result run(Options o) {
        double lr = o.learningRate.get();
        if (!(o.retain > 0 && o.retain < 1) || o.samples < 2) {
            throw new IllegalArgumentException(
                    "--retain must be in (0, 1) and --samples >= 2, got " + o.retain + " and " + o.samples);
        }
        TrainingConfig config = o.config();
        RunDirectory run = o.open(NAME);
        FashionMnist data = Datasets.fashionMnist(o.dataDir);
        ExperimentRun.writeRunJson(run, NAME, "running", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        McDropoutMlp.Builder model = McDropoutMlp.builder()
                .setInputSize(784)
                .optSeed(config.seed())
                .optUpdater(new Adam(lr))
                .optRetain(o.retain);
        TrainingResult out = ExperimentRun.trainNetwork(
                run,
                NAME,
                config,
                model,
                data.train().shuffledSource(config.batchSize(), config.seed()),
                ExperimentRun.classification("test", data.test().orderedSource(config.batchSize())));
        MultiLayerNetwork net = (MultiLayerNetwork) out.model();
        int n = o.run.maxBatches == null
                ? data.test().size()
                : Math.min(data.test().size(), o.run.maxBatches * config.batchSize());
        INDArray x = data.test()
                .features()
                .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n), org.nd4j.linalg.indexing.NDArrayIndex.all());
        int[] labels = java.util.Arrays.copyOf(data.test().labelIds(), n);
        INDArray plain = McDropout.deterministic(net, x);
        Nd4j.getRandom().setSeed(config.seed());
        McDropout.Prediction mc = McDropout.predict(net, x, o.samples);
        Calibration.Bins plainBins = Calibration.reliability(plain, labels, BINS);
        Calibration.Bins mcBins = Calibration.reliability(mc.mean(), labels, BINS);
        Calibration.Split mcSplit = Calibration.byCorrectness(mc.mean(), mc.entropy(), labels);
        double[] accEntropy = {mcSplit.accuracy(), mcSplit.meanRight(), mcSplit.meanWrong()};
        double plainAcc = Calibration.accuracy(plain, labels);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("testExamples", n);
        json.put("samples", o.samples);
        json.put("plain", Map.of("accuracy", plainAcc, "ece", plainBins.ece(), "bins", plainBins));
        json.put(
                "mcDropout",
                Map.of(
                        "accuracy",
                        accEntropy[0],
                        "ece",
                        mcBins.ece(),
                        "bins",
                        mcBins,
                        "meanEntropyRight",
                        accEntropy[1],
                        "meanEntropyWrong",
                        accEntropy[2]));
        run.writeJson("calibration.json", json);
        XYChart chart = new XYChartBuilder()
                .width(640)
                .height(480)
                .title("reliability diagram (test)")
                .xAxisTitle("confidence")
                .yAxisTitle("accuracy")
                .build();
        chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1})
                .setMarker(SeriesMarkers.NONE);
        addBins(chart, "plain inference", plainBins);
        addBins(chart, "MC dropout (T = " + o.samples + ")", mcBins);
        org.sheetlab.train.plot.Charts.writePng(
                run, "reliability.png", org.knowm.xchart.BitmapEncoder.getBufferedImage(chart));
        ExperimentRun.writeRunJson(run, NAME, "completed", o, config, Map.of("calibration", json));
        return new Result(
                run.root(), plainAcc, plainBins.ece(), accEntropy[0], mcBins.ece(), accEntropy[1], accEntropy[2]);
    }

    private static void addBins(XYChart chart, String name, Calibration.Bins b) {
        double[][] xy = b.points();
        chart.addSeries(name, xy[0], xy[1]).setMarker(SeriesMarkers.CIRCLE);
    }
}

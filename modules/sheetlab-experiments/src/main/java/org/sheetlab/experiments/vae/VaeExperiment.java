package org.sheetlab.experiments.vae;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.LearningRateOption;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.experiments.plot.ImageGrid;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Variants;
import org.sheetlab.models.vae.VaeNetwork;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Sheet, VAE and VAE ELBO loss: {@link VaeNetwork} on Fashion-MNIST (pixels in [0, 1] as Bernoulli means, or with
 * {@code --gaussian-sigma σ} as the means of N(x; p̂, σ²I)), once per β. Per variant: the test ELBO each epoch with reconstruction and KL apart ({@code testNelbo}, {@code testRecon},
 * {@code testKl} in metrics.json and curves.png), {@code reconstructions.png} (test images above their
 * reconstructions), {@code samples.png} (decoded z ~ N(0, I)) and, for a 2-D latent, {@code manifold.png} (decodings
 * of a grid over z ∈ [−3, 3]²) and {@code latent.png} (μ of test images, coloured by class). The comparison table's
 * "test loss" column is the test negative ELBO at β = 1.
 */
@Command(
        name = "vae",
        mixinStandardHelpOptions = true,
        description = "Variational autoencoder on Fashion-MNIST (ELBO = reconstruction + KL), for several beta.")
public final class VaeExperiment implements Callable<Integer> {
    public static final String NAME = "vae";

    /** Options: run and loop options, sizes, the β values, the learning rate and the data folder. */
    public static final class Options extends ExperimentOptions {
        @Option(names = "--betas", split = ",", description = "KL weights to train with (default: 1,4).")
        public List<Double> betas = List.of(1.0, 4.0);

        @Option(names = "--latent", description = "Latent size k (default: ${DEFAULT-VALUE}).")
        public int latent = 2;

        @Option(names = "--hidden", description = "Hidden units of encoder and decoder (default: ${DEFAULT-VALUE}).")
        public int hidden = 256;

        @Option(
                names = "--conv",
                description = "Convolutional encoder and decoder (2 conv + 2 deconv layers) instead of dense ones.")
        public boolean conv;

        @Option(
                names = "--gaussian-sigma",
                description = "A Gaussian decoder N(x; mean, sigma^2) with this fixed sigma > 0 instead of the "
                        + "Bernoulli one; 0 keeps Bernoulli (default: ${DEFAULT-VALUE}).")
        public double gaussianSigma = 0;

        @Option(
                names = "--iw-samples",
                description = "K of the importance-weighted bound on log p(x) for the test set; 0 skips it (default: "
                        + "${DEFAULT-VALUE}).")
        public int iwSamples = 50;

        @Mixin
        public LearningRateOption learningRate = new LearningRateOption(1e-3);

        public Options() {
            super(10, 128);
        }
    }

    /** Rows per β, and the final test figures per β (nelbo, recon, kl). */
    public record Result(Path runDir, List<Comparison.Row> rows, Map<String, Map<String, Double>> test) {}

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        Result r = run(options);
        System.out.print(Comparison.report(r.runDir()));
        r.test().forEach((v, m) -> System.out.println(v + " test: " + m));
        return 0;
    }

    static String name(double beta) {
        return "beta" + (beta == Math.rint(beta) ? String.valueOf((long) beta) : String.valueOf(beta));
    }

    public static Result run(Options o) {
        if (o.latent < 1
                || o.hidden < 1
                || o.betas.isEmpty()
                || o.betas.stream().anyMatch(b -> !(b >= 0))
                || !(o.gaussianSigma >= 0)) {
            throw new IllegalArgumentException("--latent and --hidden must be >= 1, --betas non-negative numbers and "
                    + "--gaussian-sigma >= 0; got " + o.latent + ", " + o.hidden + ", " + o.betas + ", "
                    + o.gaussianSigma);
        }
        double lr = o.learningRate.get();
        TrainingConfig config = o.config();
        RunDirectory run = o.open(NAME);
        FashionMnist data = Datasets.fashionMnist(o.dataDir);
        ExperimentRun.writeRunJson(run, NAME, "running", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        INDArray trainX = data.train().features();
        INDArray testX = data.test().features();
        Map<String, Map<String, Double>> test = new LinkedHashMap<>();
        List<Comparison.Row> rows = Variants.compare(run, NAME, o.betas, VaeExperiment::name, (beta, folder) -> {
            ArrayDataSource train = new ArrayDataSource(
                    new ShuffledArrayIterator(trainX, trainX, config.batchSize(), true, config.seed(), null));
            ArrayDataSource evalSet = new ArrayDataSource(
                    new ShuffledArrayIterator(testX, testX, config.batchSize(), false, config.seed(), null));
            TrainingResult r = ExperimentRun.trainNetwork(
                    folder,
                    "vae " + name(beta),
                    config,
                    VaeNetwork.builder()
                            .setInputSize(784)
                            .optHidden(o.hidden)
                            .optConvolutional(o.conv)
                            .optLatent(o.latent)
                            .optBeta(beta)
                            .optGaussianDecoder(o.gaussianSigma)
                            .optSeed(config.seed())
                            .optUpdater(new Adam(lr)),
                    train,
                    List.of(EvaluationSet.of("test", evalSet, new ElboEvaluator())));
            MultiLayerNetwork net = (MultiLayerNetwork) r.model();
            Map<String, Double> last = new LinkedHashMap<>();
            for (String m : List.of("testNelbo", "testRecon", "testKl")) {
                last.put(m, r.last().metric(m));
            }
            if (o.iwSamples > 0) {
                last.put(
                        "testIwBound",
                        iwBound(net, testX, o.iwSamples, config.seed(), o.run.maxBatches, config.batchSize()));
            }
            test.put(name(beta), last);
            writeFigures(folder, net, testX, data.test().labelIds(), o.latent, config.seed());
            return Variants.row(name(beta), r, Double.NaN, last.get("testNelbo"));
        });
        run.writeJson("elbo.json", Map.of("what", "test set, nats per example, one z sample each", "test", test));
        ExperimentRun.writeRunJson(
                run, NAME, "completed", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000", "test", test));
        return new Result(run.root(), rows, test);
    }

    /** Mean importance-weighted bound L_K over the test set (or its first batches in a smoke run), nats. */
    static double iwBound(MultiLayerNetwork net, INDArray testX, int k, long seed, Integer maxBatches, int batch) {
        Nd4j.getRandom().setSeed(seed);
        long n = maxBatches == null ? testX.size(0) : Math.min(testX.size(0), (long) maxBatches * batch);
        double sum = 0;
        for (long from = 0; from < n; from += 1000) {
            INDArray chunk = testX.get(NDArrayIndex.interval(from, Math.min(n, from + 1000)), NDArrayIndex.all());
            sum += VaeNetwork.importanceWeightedBound(net, chunk, k).sumNumber().doubleValue();
        }
        return sum / n;
    }

    private static void writeFigures(
            RunDirectory dir, MultiLayerNetwork net, INDArray testX, int[] labels, int k, long seed) {
        INDArray first = testX.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all());
        INDArray recon = VaeNetwork.decode(net, VaeNetwork.encode(net, first));
        Charts.writePng(dir, "reconstructions.png", ImageGrid.of(Nd4j.vstack(first, recon), 2, 10));
        Nd4j.getRandom().setSeed(seed);
        INDArray z = Nd4j.randn(DataType.FLOAT, 64, k);
        Charts.writePng(dir, "samples.png", ImageGrid.of(VaeNetwork.decode(net, z), 8, 8));
        if (k == 2) {
            int n = 15;
            INDArray codes = Nd4j.create(DataType.FLOAT, (long) n * n, 2);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    codes.putScalar(new long[] {(long) i * n + j, 0}, -3 + 6.0 * j / (n - 1));
                    codes.putScalar(new long[] {(long) i * n + j, 1}, 3 - 6.0 * i / (n - 1));
                }
            }
            Charts.writePng(dir, "manifold.png", ImageGrid.of(VaeNetwork.decode(net, codes), n, n));
            int m = Math.min(3000, (int) testX.size(0));
            INDArray mu = VaeNetwork.encode(net, testX.get(NDArrayIndex.interval(0, m), NDArrayIndex.all()));
            XYChart chart = new XYChartBuilder()
                    .width(640)
                    .height(560)
                    .title("latent means of " + m + " test images")
                    .xAxisTitle("z1")
                    .yAxisTitle("z2")
                    .build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(3);
            for (int c = 0; c < 10; c++) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int i = 0; i < m; i++) {
                    if (labels[i] == c) {
                        xs.add(mu.getDouble(i, 0));
                        ys.add(mu.getDouble(i, 1));
                    }
                }
                if (!xs.isEmpty()) {
                    chart.addSeries(FashionMnist.CLASSES.get(c), xs, ys);
                }
            }
            Charts.writePng(dir, "latent.png", BitmapEncoder.getBufferedImage(chart));
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}

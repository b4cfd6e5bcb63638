package org.sheetlab.experiments.vae;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.plot.ImageGrid;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.vae.VaeNetwork;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, VAE and VAE ELBO loss: {@link VaeNetwork} on Fashion-MNIST (pixels in [0, 1] as Bernoulli means, or with
 * {@code --gaussian-sigma σ} as the means of N(x; p̂, σ²I)), once per β. Per variant: the test ELBO each epoch with reconstruction and KL apart ({@code testNelbo}, {@code testRecon},
 * {@code testKl} in metrics.json and curves.png), {@code reconstructions.png} (test images above their
 * reconstructions), {@code samples.png} (decoded z ~ N(0, I)) and, for a 2-D latent, {@code manifold.png} (decodings
 * of a grid over z ∈ [−3, 3]²) and {@code latent.png} (μ of test images, coloured by class). The headline: the test negative ELBO (at β = 1 whatever the training β, so that
 * variants compare), its reconstruction and KL terms, and the importance-weighted bound L_K on log p(x).
 */
@Command(
        name = "vae",
        mixinStandardHelpOptions = true,
        description = "Variational autoencoder on Fashion-MNIST (ELBO = reconstruction + KL), for several beta.")
public final class VaeExperiment extends FashionMnistExperiment<VaeExperiment.Options, Double> {

    /** Options: run and loop options, sizes, the β values, the learning rate and the data folder. */
    public static final class Options extends TrainedOptions {
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

        public Options() {
            super(10, 128, 1e-3);
        }
    }

    public VaeExperiment() {
        super(new Options());
    }

    @Override
    public List<Headline> headline(Options o) {
        List<Headline> h = new ArrayList<>(List.of(
                Headline.of("testNelbo", "test -ELBO", "%.2f"),
                Headline.of("testRecon", "test reconstruction", "%.2f"),
                Headline.of("testKl", "test KL", "%.3f")));
        if (o.iwSamples > 0) {
            h.add(Headline.of("testIwBound", "test L_K bound", "%.2f"));
        }
        return h;
    }

    static String name(double beta) {
        return "beta" + (beta == Math.rint(beta) ? String.valueOf((long) beta) : String.valueOf(beta));
    }

    @Override
    protected void validate(Options o) {
        check(o.latent >= 1, "--latent must be >= 1, got " + o.latent);
        check(o.hidden >= 1, "--hidden must be >= 1, got " + o.hidden);
        check(
                !(o.betas.isEmpty() || o.betas.stream().anyMatch(b -> !(b >= 0))),
                "--betas must be one or more numbers >= 0, got " + o.betas);
        check(o.gaussianSigma >= 0, "--gaussian-sigma must be >= 0 (0 = Bernoulli), got " + o.gaussianSigma);
        check(o.iwSamples >= 0, "--iw-samples must be >= 0 (0 = skip), got " + o.iwSamples);
    }

    @Override
    protected List<Double> variants(Options o) {
        return o.betas;
    }

    @Override
    protected String label(Double beta) {
        return name(beta);
    }

    /** Images as their own targets: the training set reshuffled per epoch, the test set in order. */
    private static ArrayDataSource images(Context<Options, FashionMnist> c, INDArray x, boolean shuffle) {
        return new ArrayDataSource(new ShuffledArrayIterator(x, x, c.batchSize(), shuffle, c.seed(), null));
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, Double beta, RunDirectory folder) {
        Options o = c.options();
        return Trial.of(
                VaeNetwork.builder()
                        .setInputSize(784)
                        .optHidden(o.hidden)
                        .optConvolutional(o.conv)
                        .optLatent(o.latent)
                        .optBeta(beta)
                        .optGaussianDecoder(o.gaussianSigma)
                        .optSeed(c.seed())
                        .optUpdater(new Adam(o.learningRate.get())),
                images(c, c.data().train().features(), true),
                List.of(EvaluationSet.of("test", images(c, c.data().test().features(), false), new ElboEvaluator())));
    }

    /** The importance-weighted bound on the test set, and the variant's figures. */
    @Override
    protected Map<String, Double> measure(
            Context<Options, FashionMnist> c, Double beta, TrainingResult trained, RunDirectory folder) {
        Options o = c.options();
        MultiLayerNetwork net = (MultiLayerNetwork) trained.model();
        INDArray testX = c.data().test().features();
        Map<String, Double> measured = new LinkedHashMap<>();
        if (o.iwSamples > 0) {
            measured.put(
                    "testIwBound",
                    iwBound(net, testX, o.iwSamples, c.seed(), c.config().maxBatches(), c.batchSize()));
        }
        writeFigures(folder, net, testX, c.data().test().labelIds(), o.latent, c.seed());
        return measured;
    }

    /** {@code elbo.json}: the headline figures per β. */
    @Override
    protected Map<String, Object> finish(
            Context<Options, FashionMnist> c, List<Row> rows, Map<String, TrainingResult> results) {
        Map<String, Map<String, Double>> test = new LinkedHashMap<>();
        rows.forEach(r -> test.put(r.variant(), r.values()));
        c.run().writeJson("elbo.json", Map.of("what", "test set, nats per example, one z sample each", "test", test));
        return Map.of("test", test);
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
            XYChart chart = Charts.chart(XYChart::new, 640, 560, "latent means of " + m + " test images", "z1", "z2");
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
            Charts.writePng(dir, "latent.png", chart);
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}

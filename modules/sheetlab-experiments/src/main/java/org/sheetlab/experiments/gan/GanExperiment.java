package org.sheetlab.experiments.gan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.core.metrics.ClassShares;
import org.sheetlab.core.metrics.FrechetDistance;
import org.sheetlab.core.metrics.SampleDiversity;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.plot.ImageGrid;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.gan.Gan;
import org.sheetlab.models.gan.GanStep;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, GAN: {@link Gan} (dense, or DCGAN-style with {@code --conv}) on Fashion-MNIST with the sheet's recipe
 * (LeakyReLU discriminator, average pooling in the convolutional one, one-sided label smoothing, non-saturating
 * generator loss) and with one ablation ({@code --ablation}: the saturating min-max loss, no smoothing, or a ReLU
 * discriminator with max pooling), each in its own run folder through the harness ({@link GanStep}), so a killed run
 * resumes to the same weights and samples. The judge is the project's own Fashion-MNIST classifier (the Final Q5
 * network, trained first through the harness in the sub-folder {@code judge} for {@code --judge-epochs}):
 * <ul>
 *   <li>every {@code --sample-every} updates: {@code samples-iter-NNNNNN.png} (the same 64 z throughout), and at the
 *       end {@code progression.png}, the first row of each of those grids, top to bottom;</li>
 *   <li>per epoch: {@code samples-epoch-NN.png} (the same 64 z), and step metrics in the epoch's history
 *       ({@code metrics.json}, {@code curves.png}): D's and G's losses, D(x), D(G(z)), and the collapse monitor on
 *       1,000 samples: the judge's class shares ({@code classShare0} … {@code classShare9}), its coverage (classes
 *       holding ≥ 5% of the samples) and the batch diversity (mean distance between samples, against the same
 *       figure on real images, {@code realDiversity});</li>
 *   <li>at the end: the Fréchet distance between the judge's 100-unit penultimate features of 5,000 samples and of
 *       5,000 test images (not the Inception-based FID: not comparable with published FIDs), the judge's mean
 *       confidence on samples and its coverage of 5,000 samples (the headline), and {@code gan.png} (losses, D(x) and D(G(z)), coverage and diversity by epoch).</li>
 * </ul>
 */
@Command(
        name = "gan",
        mixinStandardHelpOptions = true,
        description = "GAN (dense or DCGAN-style) on Fashion-MNIST: the sheet's recipe vs an ablation; sample grids, "
                + "collapse monitor, Frechet score.")
public final class GanExperiment extends Experiment<GanExperiment.Options, GanExperiment.Judged, String> {
    static final int MONITOR = 1000;
    static final int JUDGE_BATCH = 128;

    /** Options: run and loop options, the ablation, sizes, the learning rate and the data folder. */
    public static final class Options extends TrainedOptions {
        @Option(
                names = "--ablation",
                description = "The failure to compare with: saturating, no-smoothing or relu (ReLU, and max "
                        + "pooling with --conv, in D) (default: ${DEFAULT-VALUE}).")
        public String ablation = "saturating";

        @Option(
                names = "--conv",
                description = "The DCGAN-style convolutional G and D (average pooling, LeakyReLU in D) instead of "
                        + "the dense pair.")
        public boolean conv;

        @Option(
                names = "--channels",
                split = ",",
                description = "--conv: channels c1,c2 of G and D (default: ${DEFAULT-VALUE}).")
        public int[] channels = {32, 64};

        @Option(
                names = "--sample-every",
                description = "Write a sample grid every N updates, 0 for none (default: ${DEFAULT-VALUE}).")
        public int sampleEvery = 250;

        @Option(names = "--latent", description = "z size k (default: ${DEFAULT-VALUE}).")
        public int latent = 64;

        @Option(names = "--hidden", description = "Hidden units of the dense G and D (default: ${DEFAULT-VALUE}).")
        public int hidden = 256;

        @Option(names = "--judge-epochs", description = "Epochs of the judging classifier (default: ${DEFAULT-VALUE}).")
        public int judgeEpochs = 2;

        public Options() {
            super(10, 128, 2e-4); // the learning rate of G's and D's Adam
        }
    }

    /**
     * Fashion-MNIST with the judge trained on it, and the diversity of 200 real test images (the monitor's yardstick).
     */
    public record Judged(FashionMnist data, MultiLayerNetwork judge, double judgeAccuracy, double realDiversity) {}

    public GanExperiment() {
        // headline: the judge's view of 5,000 samples: Frechet distance to real test images, confidence, classes
        // covered
        super(
                new Options(),
                Headline.of("frechetDistance", "Frechet distance", "%.2f"),
                Headline.of("judgeConfidence", "judge confidence"),
                Headline.of("coverage", "classes covered", "%.0f"));
    }

    static Gan.Builder variant(String name, Options o, long seed) {
        Gan.Builder b = Gan.builder()
                .optArchitecture(o.conv ? Gan.Architecture.CONVOLUTIONAL : Gan.Architecture.DENSE)
                .optChannels(o.channels[0], o.channels[o.channels.length - 1])
                .optLatent(o.latent)
                .optHidden(o.hidden)
                .optLearningRate(o.learningRate.get())
                .optSeed(seed);
        return switch (name) {
            case "recipe" -> b;
            case "saturating" -> b.optGeneratorLoss(Gan.GeneratorLoss.SATURATING);
            case "no-smoothing" -> b.optLabels(1.0, 0.0);
            case "relu" -> b.optReluDiscriminator(true);
            default ->
                throw new IllegalArgumentException(
                        "--ablation: unknown '" + name + "'; use saturating, no-smoothing or relu");
        };
    }

    @Override
    protected void validate(Options o) {
        variant(o.ablation, o, 0);
        check(o.latent >= 1, "--latent must be >= 1, got " + o.latent);
        check(o.hidden >= 1, "--hidden must be >= 1, got " + o.hidden);
        check(o.judgeEpochs >= 1, "--judge-epochs must be >= 1, got " + o.judgeEpochs);
        check(o.sampleEvery >= 0, "--sample-every must be >= 0 (0 = none), got " + o.sampleEvery);
        check(
                o.channels.length == 2 && o.channels[0] >= 1 && o.channels[1] >= 1,
                "--channels must be two numbers >= 1 (e.g. 32,64), got " + java.util.Arrays.toString(o.channels));
    }

    @Override
    protected List<String> variants(Options o) {
        return List.of("recipe", o.ablation);
    }

    /** Loads Fashion-MNIST and trains the judge through the harness in {@code run/judge}. */
    @Override
    protected Judged data(Options o, long seed, RunDirectory run) {
        FashionMnist data = Datasets.fashionMnist(o.dataDir);
        TrainingConfig config = o.configBuilder()
                .epochs(o.judgeEpochs)
                .batchSize(JUDGE_BATCH)
                .checkpointEvery(0)
                .patience(null)
                .build();
        Trial judge = Trial.of(
                FinalQ5Network.builder().setInputSize(784).optSeed(seed).optUpdater(new Adam(1e-3)),
                data.train().shuffledSource(JUDGE_BATCH, seed),
                ExperimentRun.classification("test", data.test().orderedSource(JUDGE_BATCH)));
        TrainingResult trained = judge.train(new RunDirectory(run.resolve("judge")), "gan judge", config);
        INDArray realProbe = data.test().features().get(NDArrayIndex.interval(0, 200), NDArrayIndex.all());
        return new Judged(
                data,
                (MultiLayerNetwork) trained.model(),
                trained.last().testAccuracy(),
                SampleDiversity.meanPairwiseDistance(realProbe));
    }

    @Override
    protected Map<String, Object> describe(Judged d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "dataset",
                "Fashion-MNIST " + d.data().train().size() + "/"
                        + d.data().test().size());
        m.put("judgeTestAccuracy", d.judgeAccuracy());
        return m;
    }

    @Override
    protected Trial trial(Context<Options, Judged> c, String name, RunDirectory folder) {
        Options o = c.options();
        Gan gan = variant(name, o, c.seed()).build();
        Nd4j.getRandom().setSeed(c.seed());
        INDArray fixedZ = gan.sampleLatent(64);
        GanStep step = new GanStep(gan, new GanStep.Listener() {
            @Override
            public void onIteration(long iteration) {
                if (o.sampleEvery > 0 && iteration % o.sampleEvery == 0) {
                    Charts.writePng(
                            folder,
                            String.format(Locale.ROOT, "samples-iter-%06d.png", iteration),
                            ImageGrid.of(gan.generate(fixedZ), 8, 8));
                }
            }

            @Override
            public Map<String, Double> onEpoch(int epoch) {
                Charts.writePng(
                        folder,
                        String.format(Locale.ROOT, "samples-epoch-%02d.png", epoch),
                        ImageGrid.of(gan.generate(fixedZ), 8, 8));
                return monitor(c.data().judge(), gan, c.data().realDiversity());
            }
        });
        return Trial.of(step, null, c.data().data().train().shuffledSource(c.batchSize(), c.seed()), List.of());
    }

    /** The final scores on 5,000 samples, {@code progression.png}, {@code gan.png} and {@code gan.json}. */
    @Override
    protected Map<String, Double> measure(
            Context<Options, Judged> c, String name, TrainingResult trained, RunDirectory folder) {
        Gan gan = ((GanStep) trained.step()).gan();
        Map<String, Double> scores =
                finalScores(c.data().judge(), gan, c.data().data().test().features(), c.seed());
        progression(folder);
        List<Map<String, Double>> history =
                trained.history().stream().map(EpochMetrics::metrics).toList();
        Charts.writePng(folder, "gan.png", plot(name, history));
        folder.writeJson("gan.json", Map.of("history", history, "final", scores));
        return scores;
    }

    @Override
    protected Map<String, Object> finish(
            Context<Options, Judged> c, List<Row> rows, Map<String, TrainingResult> results) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(
                "judge",
                "Final Q5 network trained " + c.options().judgeEpochs + " epochs (run folder judge); features: its "
                        + "100-unit layer");
        extra.put("realDiversity", c.data().realDiversity());
        return extra;
    }

    /**
     * The collapse monitor on {@value #MONITOR} samples: the judge's class shares ({@code classShare0..9}), its
     * coverage, the diversity of 200 samples and of 200 real images.
     */
    static Map<String, Double> monitor(MultiLayerNetwork judge, Gan gan, double realDiversity) {
        INDArray samples = samples(gan, MONITOR);
        double[] hist = ClassShares.of(judge.output(samples));
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < hist.length; k++) {
            m.put("classShare" + k, hist[k]);
        }
        m.put("coverage", (double) ClassShares.coverage(hist));
        m.put(
                "diversity",
                SampleDiversity.meanPairwiseDistance(samples.get(NDArrayIndex.interval(0, 200), NDArrayIndex.all())));
        m.put("realDiversity", realDiversity);
        return m;
    }

    /** n samples G(z), z ~ N(0, I), made 250 at a time (bounded memory for the convolutional generator). */
    static INDArray samples(Gan gan, int n) {
        INDArray z = gan.sampleLatent(n);
        List<INDArray> parts = new ArrayList<>();
        for (int i = 0; i < n; i += 250) {
            parts.add(gan.generate(z.get(NDArrayIndex.interval(i, Math.min(n, i + 250)), NDArrayIndex.all())));
        }
        return Nd4j.vstack(parts.toArray(INDArray[]::new));
    }

    static Map<String, Double> finalScores(MultiLayerNetwork judge, Gan gan, INDArray testX, long seed) {
        Nd4j.getRandom().setSeed(seed + 1);
        int n = (int) Math.min(5000, testX.size(0));
        INDArray samples = samples(gan, n);
        INDArray real = testX.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        var fake = judge.feedForward(samples, false); // [input, 300 units, 100 units, class probabilities]
        INDArray fReal = judge.feedForwardToLayer(1, real, false).get(2);
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("frechetDistance", FrechetDistance.of(fReal, fake.get(2)));
        INDArray judged = fake.get(fake.size() - 1);
        s.put("judgeConfidence", judged.max(1).meanNumber().doubleValue());
        s.put("coverage", (double) ClassShares.coverage(ClassShares.of(judged)));
        return s;
    }

    /** {@code progression.png}: the first row of every {@code samples-iter-*.png}, in order, top to bottom. */
    static void progression(RunDirectory folder) {
        try (var files = java.nio.file.Files.list(folder.root())) {
            List<Path> grids = files.filter(f -> f.getFileName().toString().matches("samples-iter-\\d+\\.png"))
                    .sorted()
                    .toList();
            if (grids.isEmpty()) {
                return;
            }
            List<java.awt.image.BufferedImage> images = new ArrayList<>();
            for (Path g : grids) {
                images.add(javax.imageio.ImageIO.read(g.toFile()));
            }
            Charts.writePng(folder, "progression.png", ImageGrid.firstRows(images));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("gan: cannot read the sample grids in " + folder.root(), e);
        }
    }

    private static java.awt.image.BufferedImage plot(String name, List<Map<String, Double>> rows) {
        double[] epochs = new double[rows.size()];
        double[][] series = new double[6][rows.size()];
        String[] keys = {"discriminatorLoss", "generatorLoss", "dReal", "dFake", "coverage", "diversity"};
        for (int e = 0; e < rows.size(); e++) {
            epochs[e] = e + 1;
            for (int k = 0; k < keys.length; k++) {
                Object v = rows.get(e).get(keys[k]);
                series[k][e] = v == null ? Double.NaN : ((Number) v).doubleValue();
            }
        }
        XYChart losses = Charts.chart(XYChart::new, 520, 380, name + ": losses and D outputs", "epoch", "");
        for (int k = 0; k < 4; k++) {
            losses.addSeries(keys[k], epochs, series[k]);
        }
        XYChart mon = Charts.chart(XYChart::new, 520, 380, name + ": collapse monitor", "epoch", "");
        mon.addSeries("classes covered (of 10)", epochs, series[4]);
        mon.addSeries("sample diversity", epochs, series[5]);
        return Charts.sideBySide(losses, mon);
    }
}

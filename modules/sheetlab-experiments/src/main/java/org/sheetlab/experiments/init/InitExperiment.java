package org.sheetlab.experiments.init;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.experiments.plot.Charts;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.experiments.run.RunDirectory;
import org.sheetlab.experiments.train.EpochMetrics;
import org.sheetlab.experiments.train.TrainingDivergedException;
import org.sheetlab.experiments.train.TrainingOptions;
import org.sheetlab.experiments.train.TrainingSession;
import org.sheetlab.models.mlp.FinalQ5Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the Final Q5 network (784-300-100-10, ReLU, plain SGD so the initialisation is not rescued by an adaptive
 * optimiser) from four initialisations and writes {@code summary.*}, {@code comparison.png},
 * {@code activations.json} and {@code activations.png} (log10 of the standard deviation of each layer's activations
 * at initialisation on 512 test images). A variant whose loss becomes non-finite is reported as diverged.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Zero vs too-large vs Xavier vs He initialisation of the Final Q5 network on Fashion-MNIST.")
public final class InitExperiment implements Callable<Integer> {
    public static final String NAME = "init";

    /** The initialisations compared. */
    public enum Variant {
        ZERO("zero", WeightInit.ZERO.getWeightInitFunction()),
        LARGE("large N(0,1)", new WeightInitDistribution(new NormalDistribution(0, 1))),
        XAVIER("xavier", WeightInit.XAVIER_UNIFORM.getWeightInitFunction()),
        HE("he", WeightInit.RELU.getWeightInitFunction());

        final String label;
        final IWeightInit init;

        Variant(String label, IWeightInit init) {
            this.label = label;
            this.init = init;
        }
    }

    /** Options: the common ones plus the SGD learning rate. */
    public static final class Options extends TrainingOptions {
        @Option(names = "--learning-rate", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
        public double learningRate = 0.05;

        public Options() {
            epochs = 2;
            batchSize = 128;
        }
    }

    /** Per variant: the comparison row (NaN accuracy when it diverged) and the activation std per layer at init. */
    public record Result(Path runDir, List<Comparison.Row> rows, Map<String, double[]> activationStd,
            List<String> diverged) {}

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        Result r = run(options);
        System.out.print(Comparison.report(r.runDir()));
        if (!r.diverged().isEmpty()) {
            System.out.println("diverged: " + r.diverged());
        }
        return 0;
    }

    public static Result run(Options o) {
        if (o.learningRate <= 0) {
            throw new IllegalArgumentException("--learning-rate must be > 0, got " + o.learningRate);
        }
        RunDirectory run = TrainingSession.open(NAME, o);
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        TrainingSession.writeRunJson(run, NAME, "running", o, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        INDArray probe = data.test().features().get(NDArrayIndex.interval(0, 512), NDArrayIndex.all());
        List<Comparison.Row> rows = new ArrayList<>();
        Map<String, double[]> stds = new LinkedHashMap<>();
        List<String> diverged = new ArrayList<>();
        for (Variant v : Variant.values()) {
            var conf = FinalQ5Network.builder().setInputSize(784).optSeed(o.seed).optWeightInit(v.init)
                    .optUpdater(new Sgd(o.learningRate)).build();
            MultiLayerNetwork fresh = new MultiLayerNetwork(conf);
            fresh.init();
            List<INDArray> acts = fresh.feedForward(probe, false);
            double[] std = new double[acts.size() - 1];
            for (int i = 1; i < acts.size(); i++) {
                std[i - 1] = acts.get(i).stdNumber().doubleValue();
            }
            stds.put(v.label, std);
            try {
                TrainingSession.Outcome out = TrainingSession.train(new RunDirectory(run.resolve(v.name()
                        .toLowerCase(Locale.ROOT))), "init " + v.label, conf, InputType.feedForward(784), o,
                        data.train().shuffledIterator(o.batchSize, o.seed), data.test().orderedIterator(o.batchSize));
                double seconds = out.history().stream().mapToDouble(EpochMetrics::seconds).average().orElse(0);
                rows.add(new Comparison.Row(v.label, out.last().testAccuracy(), out.last().testLoss(), seconds,
                        out.history().size(), out.network().numParams()));
            } catch (TrainingDivergedException e) {
                diverged.add(v.label + ": " + e.getMessage());
                rows.add(new Comparison.Row(v.label, Double.NaN, Double.NaN, Double.NaN, 0, fresh.numParams()));
            }
            Comparison.write(run, NAME, rows);
        }
        run.writeJson("activations.json", Map.of("layers", List.of("dense1", "dense2", "output"),
                "stdAtInit", stds, "diverged", diverged));
        CategoryChart chart = new CategoryChartBuilder().width(700).height(420)
                .title("activation std at initialisation (512 test images)").xAxisTitle("layer")
                .yAxisTitle("log10(std), floored at -6").build();
        stds.forEach((label, s) -> chart.addSeries(label, List.of("dense1", "dense2", "output"),
                java.util.Arrays.stream(s).map(x -> Math.log10(Math.max(x, 1e-6))).boxed().toList()));
        Charts.writePng(run, "activations.png", BitmapEncoder.getBufferedImage(chart));
        TrainingSession.writeRunJson(run, NAME, "completed", o, Map.of("variants", rows, "diverged", diverged));
        return new Result(run.root(), rows, stds, diverged);
    }
}

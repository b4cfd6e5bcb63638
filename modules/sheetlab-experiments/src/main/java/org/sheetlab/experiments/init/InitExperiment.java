package org.sheetlab.experiments.init;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
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
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.LearningRateOption;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Variants;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingDivergedException;
import org.sheetlab.train.listeners.ActivationStatistics;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Trains the Final Q5 network (784-300-100-10, ReLU, plain SGD so the initialisation is not rescued by an adaptive
 * optimiser) from four initialisations and writes {@code summary.*}, {@code comparison.png},
 * {@code activations.json} and {@code activations.png} (log10 of the standard deviation of each layer's activations
 * at initialisation on 512 test images, recorded by the {@link ActivationStatistics} listener, which also follows them
 * epoch by epoch in each variant's {@code activation-stats.json}). A variant whose loss becomes non-finite is reported
 * as diverged.
 */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = "Zero vs too-large vs Xavier vs He initialisation of the Final Q5 network on Fashion-MNIST.")
public final class InitExperiment implements Callable<Integer> {
    public static final String NAME = "init";
    private static final List<String> LAYERS = List.of("dense1", "dense2", "output");

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

    /** Options: run and loop options, the SGD learning rate and the data folder. */
    public static final class Options extends ExperimentOptions {
        @Mixin
        public LearningRateOption learningRate = new LearningRateOption(0.05);

        public Options() {
            super(2, 128);
        }
    }

    /** Per variant: the comparison row (NaN accuracy when it diverged) and the activation std per layer at init. */
    public record Result(
            Path runDir, List<Comparison.Row> rows, Map<String, double[]> activationStd, List<String> diverged) {}

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
        double lr = o.learningRate.get();
        TrainingConfig config = o.config();
        RunDirectory run = o.open(NAME);
        FashionMnist data = Datasets.fashionMnist(o.dataDir);
        ExperimentRun.writeRunJson(run, NAME, "running", o, config, Map.of("dataset", "Fashion-MNIST 60000/10000"));
        INDArray probe = data.test().features().get(NDArrayIndex.interval(0, 512), NDArrayIndex.all());
        Map<String, double[]> stds = new LinkedHashMap<>();
        List<String> diverged = new ArrayList<>();
        List<Comparison.Row> rows = Variants.compare(
                run, NAME, List.of(Variant.values()), v -> v.name().toLowerCase(Locale.ROOT), (v, folder) -> {
                    FinalQ5Network.Builder b = FinalQ5Network.builder()
                            .setInputSize(784)
                            .optSeed(config.seed())
                            .optWeightInit(v.init)
                            .optUpdater(new Sgd(lr));
                    ActivationStatistics stats = new ActivationStatistics(folder, probe);
                    try {
                        return Variants.row(
                                v.label,
                                ExperimentRun.trainNetwork(
                                        folder,
                                        "init " + v.label,
                                        config,
                                        b,
                                        data.train().shuffledSource(config.batchSize(), config.seed()),
                                        ExperimentRun.classification(
                                                "test", data.test().orderedSource(config.batchSize())),
                                        stats));
                    } catch (TrainingDivergedException e) {
                        diverged.add(v.label + ": " + e.getMessage());
                        return new Comparison.Row(
                                v.label,
                                Double.NaN,
                                Double.NaN,
                                Double.NaN,
                                0,
                                NetworkCounter.count(b.build(), b.inputType()).totalParameters());
                    } finally {
                        stds.put(v.label, stats.rows().get("init"));
                    }
                });
        run.writeJson("activations.json", Map.of("layers", LAYERS, "stdAtInit", stds, "diverged", diverged));
        CategoryChart chart = new CategoryChartBuilder()
                .width(700)
                .height(420)
                .title("activation std at initialisation (512 test images)")
                .xAxisTitle("layer")
                .yAxisTitle("log10(std), floored at -6")
                .build();
        stds.forEach((label, s) -> chart.addSeries(
                label,
                LAYERS,
                java.util.Arrays.stream(s)
                        .map(x -> Math.log10(Math.max(x, 1e-6)))
                        .boxed()
                        .toList()));
        Charts.writePng(run, "activations.png", BitmapEncoder.getBufferedImage(chart));
        ExperimentRun.writeRunJson(run, NAME, "completed", o, config, Map.of("variants", rows, "diverged", diverged));
        return new Result(run.root(), rows, stds, diverged);
    }
}

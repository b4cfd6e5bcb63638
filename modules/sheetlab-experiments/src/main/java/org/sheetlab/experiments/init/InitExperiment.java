package org.sheetlab.experiments.init;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.knowm.xchart.CategoryChart;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.listeners.ActivationStatistics;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;

/**
 * Sheet, Initialization: trains the Final Q5 network (784-300-100-10, ReLU, plain SGD so the initialisation is not rescued by an adaptive
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
public final class InitExperiment extends FashionMnistExperiment<InitExperiment.Options, InitExperiment.Variant> {
    private static final List<String> LAYERS = List.of("dense1", "dense2", "output");
    private static final int PROBE = 512;

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
    public static final class Options extends TrainedOptions {

        public Options() {
            super(2, 128, 0.05);
        }
    }

    public InitExperiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    @Override
    protected List<Variant> variants(Options o) {
        return List.of(Variant.values());
    }

    @Override
    protected String label(Variant v) {
        return v.label;
    }

    @Override
    protected String folder(Variant v) {
        return v.name().toLowerCase(Locale.ROOT);
    }

    /** A diverging initialisation is a result here: its row says so. */
    @Override
    protected boolean keepsDivergedVariants() {
        return true;
    }

    private static FinalQ5Network.Builder model(Context<Options, FashionMnist> c, Variant v) {
        return FinalQ5Network.builder()
                .setInputSize(784)
                .optSeed(c.seed())
                .optWeightInit(v.init)
                .optUpdater(new Sgd(c.options().learningRate.get()));
    }

    private static INDArray probe(Context<Options, FashionMnist> c) {
        return c.data().test().features().get(NDArrayIndex.interval(0, PROBE), NDArrayIndex.all());
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, Variant v, RunDirectory folder) {
        return Trial.of(model(c, v), trainSource(c), testClassification(c))
                .with(new ActivationStatistics(folder, probe(c)));
    }

    /** The activation std per layer at initialisation (the same seeded networks, before training). */
    @Override
    protected Map<String, Object> finish(
            Context<Options, FashionMnist> c, List<Row> rows, Map<String, TrainingResult> results) {
        INDArray probe = probe(c);
        Map<String, double[]> stds = new LinkedHashMap<>();
        for (Variant v : Variant.values()) {
            MultiLayerNetwork initial = new MultiLayerNetwork(model(c, v).build());
            initial.init();
            stds.put(v.label, ActivationStatistics.std(initial, probe));
        }
        List<String> diverged = new ArrayList<>();
        rows.stream().filter(r -> r.note() != null).forEach(r -> diverged.add(r.variant() + ": " + r.note()));
        c.run().writeJson("activations.json", Map.of("layers", LAYERS, "stdAtInit", stds, "diverged", diverged));
        CategoryChart chart = Charts.chart(
                CategoryChart::new,
                700,
                420,
                "activation std at initialisation (" + PROBE + " test images)",
                "layer",
                "log10(std), floored at -6");
        stds.forEach((label, s) -> chart.addSeries(
                label,
                LAYERS,
                java.util.Arrays.stream(s)
                        .map(x -> Math.log10(Math.max(x, 1e-6)))
                        .boxed()
                        .toList()));
        Charts.writePng(c.run(), "activations.png", chart);
        return Map.of("activationStd", stds, "diverged", diverged);
    }
}

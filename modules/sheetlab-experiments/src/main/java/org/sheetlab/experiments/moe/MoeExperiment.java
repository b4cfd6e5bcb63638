package org.sheetlab.experiments.moe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.CategoryChart;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.moe.MoeClassifier;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, DNNs as Data Structures (Final Q4), "gating network routes input": {@link MoeClassifier} (a mixture of E
 * experts) against the dense network with the same parameter count, on Fashion-MNIST. Writes the comparison
 * ({@code metrics.json}, {@code summary.txt}, {@code comparison.png}) and the trained gate's routing: the mean gate
 * weight g_e of each expert over the test images of each class, and the share of each class's images whose largest
 * gate is e ({@code routing.json}, {@code routing.png}).
 */
@Command(
        name = "moe",
        mixinStandardHelpOptions = true,
        description = "Mixture of experts vs a dense network of equal parameter count on Fashion-MNIST, with routing.")
public final class MoeExperiment extends FashionMnistExperiment<MoeExperiment.Options, MoeClassifier.Kind> {
    static final String[] CLASSES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    /** Options: run and loop options, the mixture's shape, the learning rate and the data folder. */
    public static final class Options extends TrainedOptions {
        @Option(names = "--experts", description = "E, the number of experts (default: ${DEFAULT-VALUE}).")
        public int experts = 4;

        @Option(names = "--expert-size", description = "h, each expert's width (default: ${DEFAULT-VALUE}).")
        public int expertSize = 64;

        @Option(
                names = "--top-k",
                description =
                        "Route each image to its k most probable experts; 0 mixes all (default: ${DEFAULT-VALUE}).")
        public int topK = 2;

        @Option(
                names = "--load-balancing",
                description = "λ of the load-balancing term; 0 turns it off (default: ${DEFAULT-VALUE}).")
        public double loadBalancing = 0.1;

        public Options() {
            super(5, 128, 1e-3);
        }
    }

    public MoeExperiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    /** The mixture with these options (the dense baseline is the same builder with the other kind). */
    private static MoeClassifier.Builder model(Options o, long seed) {
        return MoeClassifier.builder()
                .setInputSize(784)
                .optExperts(o.experts)
                .optExpertSize(o.expertSize)
                .optTopK(o.topK)
                .optLoadBalancing(o.loadBalancing)
                .optSeed(seed)
                .optUpdater(new Adam(o.learningRate.get()));
    }

    @Override
    protected void validate(Options o) {
        // a bad --experts, --expert-size, --top-k or --load-balancing: the builder names that one setting
        model(o, o.run.seed).build();
    }

    @Override
    protected List<MoeClassifier.Kind> variants(Options o) {
        return List.of(MoeClassifier.Kind.MOE, MoeClassifier.Kind.DENSE);
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, MoeClassifier.Kind kind, RunDirectory folder) {
        return Trial.of(model(c.options(), c.seed()).setKind(kind), trainSource(c), testClassification(c));
    }

    /** The trained gate's routing per test class ({@code routing.json}, {@code routing.png}). */
    @Override
    protected Map<String, Object> finish(
            Context<Options, FashionMnist> c, List<Row> rows, Map<String, TrainingResult> results) {
        MoeClassifier.Builder base = model(c.options(), c.seed());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("moeParameters", base.moeParameters());
        extra.put("denseWidth", base.denseWidth());
        MoeClassifier.RoutingStatistics stats = MoeClassifier.routing(
                (MultiLayerNetwork) results.get("moe").model(), c.data().test().orderedIterator(1000));
        double[][][] routing = {stats.meanGate(), stats.topShare()};
        c.run()
                .writeJson(
                        "routing.json",
                        Map.of(
                                "classes",
                                CLASSES,
                                "meanGate",
                                routing[0],
                                "topExpertShare",
                                routing[1],
                                "what",
                                "per test class: the mean gate weight of each expert, and the share of images whose "
                                        + "largest gate is that expert"));
        writeRoutingPlot(c.run(), routing[0], c.options().experts);
        extra.put("meanGates", routing[0]);
        extra.put("topShare", routing[1]);
        return extra;
    }

    private static void writeRoutingPlot(RunDirectory run, double[][] meanGates, int experts) {
        CategoryChart chart = Charts.chart(
                CategoryChart::new,
                900,
                440,
                "gate routing per class (mean g_e over the test images)",
                "",
                "mean gate weight");
        chart.getStyler().setStacked(true);
        chart.getStyler().setXAxisLabelRotation(30);
        List<String> names = List.of(CLASSES);
        for (int j = 0; j < experts; j++) {
            List<Double> v = new ArrayList<>();
            for (double[] row : meanGates) {
                v.add(row[j]);
            }
            chart.addSeries("expert " + j, names, v);
        }
        Charts.writePng(run, "routing.png", chart);
    }
}

package org.sheetlab.experiments.finalq5;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.FashionMnistExperiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.fast.DenseAdamStep;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, Final Q5: the network with input 784 on Fashion-MNIST (60,000 train / 10,000 test; Adam, learning rate decayed
 * by {@code --lr-decay} per epoch), trained in the run folder itself: {@code run.json}, {@code metrics.json},
 * {@code curves.png}, {@code summary.txt}, {@code model.zip}, {@code parameters.txt} and {@code parameters.json}, plus
 * {@code checkpoint.zip} for {@code --resume}.
 */
@Command(
        name = "final-q5",
        mixinStandardHelpOptions = true,
        description = "Sheet Final Q5 network (784-300-100-10, relu/softmax) trained on Fashion-MNIST.")
public final class FinalQ5Experiment extends FashionMnistExperiment<FinalQ5Experiment.Options, String> {

    /** Options of {@code final-q5}: run and loop options, the learning rate and its decay, the data folder. */
    public static final class Options extends TrainedOptions {
        @Option(
                names = "--lr-decay",
                description = "Learning rate multiplier per epoch, lr_e = lr * decay^e "
                        + "(default: ${DEFAULT-VALUE}; 1 = constant).")
        public double lrDecay = 0.85;

        @Option(
                names = "--graph",
                description = "Train the same network as a ComputationGraph "
                        + "(input → dense1 → dense2 → output; same initial weights as the MultiLayerNetwork).")
        public boolean graph;

        @Option(
                names = "--step",
                description = "Training step: fast (sheetlab's DenseAdamStep: the network's dense backprop and Adam "
                        + "without DL4J's general fit machinery, about 2x faster, equal to fit up to float rounding), "
                        + "fit (DL4J's MultiLayerNetwork.fit) or auto (fast when the network allows it) "
                        + "(default: ${DEFAULT-VALUE}).")
        public String step = "auto";

        public Options() {
            super(15, 128, 1e-3);
        }
    }

    public FinalQ5Experiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    @Override
    protected void validate(Options o) {
        check(o.lrDecay > 0 && o.lrDecay <= 1, "--lr-decay must be in (0, 1], got " + o.lrDecay);
        check(List.of("auto", "fit", "fast").contains(o.step), "--step must be auto, fit or fast, got " + o.step);
        check(
                !(o.loop.workers > 1 && o.step.equals("fast")),
                "--step fast (DenseAdamStep) runs its own updates, which ParallelWrapper cannot replicate; with "
                        + "--workers use --step fit (auto picks it)");
        check(
                !(o.spark.master != null && o.step.equals("fast")),
                "--step fast (DenseAdamStep) runs its own updates, which Spark's training masters cannot replicate; "
                        + "with --spark use --step fit (auto picks it)");
        check(
                !(o.graph && o.step.equals("fast")),
                "--step fast trains MultiLayerNetworks only; drop --graph or use --step fit");
    }

    /**
     * The step {@code choice} asks for: DenseAdamStep for fast (or auto when it supports the network and training is
     * not data-parallel: --workers or --spark), else fit.
     */
    static TrainingStep trainingStep(MultiLayerNetwork net, String choice, boolean dataParallel) {
        boolean fast = choice.equals("fast")
                || choice.equals("auto")
                        && !dataParallel
                        && DenseAdamStep.unsupported(net).isEmpty();
        return fast ? DenseAdamStep.of(net) : NetworkStep.of(net);
    }

    @Override
    protected Trial trial(Context<Options, FashionMnist> c, String variant, RunDirectory folder) {
        Options o = c.options();
        FinalQ5Network.Builder model = FinalQ5Network.builder()
                .setInputSize(FashionMnist.HEIGHT * FashionMnist.WIDTH)
                .optOutputs(FashionMnist.NUM_CLASSES)
                .optSeed(c.seed())
                .optUpdater(new Adam(new ExponentialSchedule(ScheduleType.EPOCH, o.learningRate.get(), o.lrDecay)));
        if (o.graph) {
            ComputationGraphConfiguration conf = model.buildGraph();
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            return Trial.of(
                    NetworkStep.of(graph),
                    NetworkCounter.count(conf, model.inputType()),
                    trainSource(c),
                    testClassification(c));
        }
        MultiLayerConfiguration conf = model.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return Trial.of(
                trainingStep(net, o.step, o.loop.workers > 1 || o.spark.master != null),
                NetworkCounter.count(conf, model.inputType()),
                trainSource(c),
                testClassification(c));
    }

    @Override
    protected Map<String, Object> finish(
            Context<Options, FashionMnist> c, List<Row> rows, Map<String, TrainingResult> results) {
        TrainingResult r = results.get(name());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("step", r.step().getClass().getSimpleName());
        extra.put("final", r.last());
        return extra;
    }
}

package org.sheetlab.experiments.finalq5;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.LearningRateOption;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.fast.DenseAdamStep;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the sheet's Final Q5 network with input 784 on Fashion-MNIST (60,000 train / 10,000 test; Adam, learning
 * rate decayed by {@code --lr-decay} per epoch) and writes a run folder: {@code run.json}, {@code metrics.json},
 * {@code curves.png}, {@code model.zip}, {@code parameters.txt} and {@code parameters.json}, plus
 * {@code checkpoint.zip} for {@code --resume}.
 */
@Command(
        name = "final-q5",
        mixinStandardHelpOptions = true,
        description = "Sheet Final Q5 network (784-300-100-10, relu/softmax) trained on Fashion-MNIST.")
public final class FinalQ5Experiment implements Callable<Integer> {
    public static final String NAME = "final-q5";

    /** Options of {@code final-q5}: run and loop options, the learning rate and its decay, the data folder. */
    public static final class Options extends ExperimentOptions {
        @Mixin
        public LearningRateOption learningRate = new LearningRateOption(1e-3);

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
            super(15, 128);
        }
    }

    /** What a run produced. */
    public record Result(Path runDir, List<EpochMetrics> history, NetworkCount count, Model network) {
        public EpochMetrics last() {
            return history.get(history.size() - 1);
        }
    }

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        Result r = run(options);
        System.out.printf(
                "final-q5: test accuracy %.4f after %d epochs; run folder %s%n",
                r.last().testAccuracy(), r.last().epoch(), r.runDir());
        return 0;
    }

    /** The step {@code choice} asks for: DenseAdamStep for fast (or auto when it supports the network), else fit. */
    static TrainingStep trainingStep(MultiLayerNetwork net, String choice) {
        boolean fast = choice.equals("fast")
                || choice.equals("auto") && DenseAdamStep.unsupported(net).isEmpty();
        return fast ? DenseAdamStep.of(net) : NetworkStep.of(net);
    }

    /** Runs the experiment; tests and {@code main} both come through here. */
    public static Result run(Options o) {
        double lr = o.learningRate.get();
        if (!(o.lrDecay > 0 && o.lrDecay <= 1)) {
            throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + o.lrDecay);
        }
        TrainingConfig config = o.config();
        RunDirectory run = o.open(NAME);
        FashionMnist data = Datasets.fashionMnist(o.dataDir);
        FinalQ5Network.Builder model = FinalQ5Network.builder()
                .setInputSize(FashionMnist.HEIGHT * FashionMnist.WIDTH)
                .optOutputs(FashionMnist.NUM_CLASSES)
                .optSeed(o.run.seed)
                .optUpdater(new Adam(new ExponentialSchedule(ScheduleType.EPOCH, lr, o.lrDecay)));
        Map<String, Object> dataset = Map.of("dataset", "Fashion-MNIST 60000/10000");
        ExperimentRun.writeRunJson(run, NAME, "running", o, config, dataset);
        if (!List.of("auto", "fit", "fast").contains(o.step)) {
            throw new IllegalArgumentException("--step must be auto, fit or fast, got " + o.step);
        }
        if (o.graph && o.step.equals("fast")) {
            throw new IllegalArgumentException(
                    "--step fast trains MultiLayerNetworks only; drop --graph or use --step fit");
        }
        TrainingStep step;
        NetworkCount count;
        if (o.graph) {
            ComputationGraphConfiguration conf = model.buildGraph();
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            step = NetworkStep.of(graph);
            count = NetworkCounter.count(conf, model.inputType());
        } else {
            MultiLayerConfiguration conf = model.build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            step = trainingStep(net, o.step);
            count = NetworkCounter.count(conf, model.inputType());
        }
        TrainingResult result = ExperimentRun.train(
                run,
                NAME,
                config,
                count,
                step,
                data.train().shuffledSource(config.batchSize(), config.seed()),
                ExperimentRun.classification("test", data.test().orderedSource(config.batchSize())));
        Map<String, Object> extra = new LinkedHashMap<>(dataset);
        extra.put("step", step.getClass().getSimpleName());
        extra.put("final", result.last());
        ExperimentRun.writeRunJson(run, NAME, "completed", o, config, extra);
        return new Result(run.root(), result.history(), count, result.model());
    }
}

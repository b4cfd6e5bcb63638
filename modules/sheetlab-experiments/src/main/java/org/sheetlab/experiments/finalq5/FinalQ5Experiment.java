package org.sheetlab.experiments.finalq5;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.experiments.run.RunDirectory;
import org.sheetlab.experiments.train.EpochMetrics;
import org.sheetlab.experiments.train.TrainingOptions;
import org.sheetlab.experiments.train.TrainingSession;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.mlp.FinalQ5Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the sheet's Final Q5 network with input 784 on Fashion-MNIST (Adam, learning rate decayed by
 * {@code --lr-decay} per epoch) (60,000 train / 10,000 test) and writes a run
 * folder: {@code run.json}, {@code metrics.json}, {@code curves.png}, {@code model.zip}, {@code parameters.txt} and
 * {@code parameters.json}, plus {@code checkpoint.zip} for {@code --resume}.
 */
@Command(name = "final-q5", mixinStandardHelpOptions = true,
        description = "Sheet Final Q5 network (784-300-100-10, relu/softmax) trained on Fashion-MNIST.")
public final class FinalQ5Experiment implements Callable<Integer> {
    public static final String NAME = "final-q5";

    /** Options of {@code final-q5}: the common training options plus the learning rate and data location. */
    public static final class Options extends TrainingOptions {
        @Option(names = "--learning-rate", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        public double learningRate = 1e-3;

        @Option(names = "--lr-decay", description = "Learning rate multiplier per epoch, lr_e = lr * decay^e "
                + "(default: ${DEFAULT-VALUE}; 1 = constant).")
        public double lrDecay = 0.85;

        @JsonSerialize(using = ToStringSerializer.class) // a plain path in run.json, not a file: URI
        @Option(names = "--data-dir", description = "Directory with the Fashion-MNIST IDX files (default: search "
                + "$SHEETLAB_DATA, ~/.sheetlab/datasets, /usr/share/datasets; fetch if missing).")
        public Path dataDir;

        public Options() {
            epochs = 15;
            batchSize = 128;
        }
    }

    /** What a run produced. */
    public record Result(Path runDir, List<EpochMetrics> history, NetworkCount count, MultiLayerNetwork network) {
        public EpochMetrics last() {
            return history.get(history.size() - 1);
        }
    }

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        Result r = run(options);
        System.out.printf("final-q5: test accuracy %.4f after %d epochs; run folder %s%n", r.last().testAccuracy(),
                r.last().epoch(), r.runDir());
        return 0;
    }

    /** Runs the experiment; tests and {@code main} both come through here. */
    public static Result run(Options o) {
        if (o.learningRate <= 0) {
            throw new IllegalArgumentException("--learning-rate must be > 0, got " + o.learningRate);
        }
        if (!(o.lrDecay > 0 && o.lrDecay <= 1)) {
            throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + o.lrDecay);
        }
        RunDirectory run = TrainingSession.open(NAME, o);
        FashionMnist data = o.dataDir != null ? FashionMnist.load(o.dataDir) : FashionMnistFetcher.loadOrFetch();
        MultiLayerConfiguration conf = FinalQ5Network.builder().setInputSize(FashionMnist.HEIGHT * FashionMnist.WIDTH)
                .optOutputs(FashionMnist.NUM_CLASSES).optSeed(o.seed)
                .optUpdater(new Adam(new ExponentialSchedule(ScheduleType.EPOCH, o.learningRate, o.lrDecay))).build();
        Map<String, Object> dataset = Map.of("dataset", "Fashion-MNIST 60000/10000");
        TrainingSession.writeRunJson(run, NAME, "running", o, dataset);
        TrainingSession.Outcome outcome = TrainingSession.train(run, NAME, conf, InputType.feedForward(784), o,
                data.train().shuffledIterator(o.batchSize, o.seed), data.test().orderedIterator(o.batchSize));
        Map<String, Object> extra = new LinkedHashMap<>(dataset);
        extra.put("final", outcome.last());
        TrainingSession.writeRunJson(run, NAME, "completed", o, extra);
        return new Result(run.root(), outcome.history(), outcome.count(), outcome.network());
    }
}

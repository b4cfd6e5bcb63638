package org.sheetlab.experiments.run;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.models.MultiLayerNetworkBuilder;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.run.RunDirectory;

/**
 * What the harness trains for one variant: the step (its networks), the parameter table to write first (or
 * {@code null}), the training source, the evaluation sets and any listeners. An experiment builds it in
 * {@link Experiment#trial} from the {@link Context}, whose config is the only source of the seed and the batch size;
 * the harness checks that the training source's batch size is the config's.
 */
public record Trial(
        TrainingStep step,
        NetworkCount count,
        DataSource train,
        List<EvaluationSet> evaluation,
        List<TrainingListener> listeners) {
    public Trial {
        evaluation = List.copyOf(evaluation);
        listeners = List.copyOf(listeners);
    }

    /** A step trained on {@code train}, evaluated on {@code evaluation}, with the parameter table of {@code count}. */
    public static Trial of(TrainingStep step, NetworkCount count, DataSource train, List<EvaluationSet> evaluation) {
        return new Trial(step, count, train, evaluation, List.of());
    }

    /**
     * The network of {@code builder} (built and initialised here) trained with DL4J's own fit ({@link NetworkStep}),
     * with its parameter table.
     */
    public static Trial of(MultiLayerNetworkBuilder builder, DataSource train, List<EvaluationSet> evaluation) {
        MultiLayerNetwork net = builder.init();
        return of(
                NetworkStep.of(net),
                NetworkCounter.count(net.getLayerWiseConfigurations(), builder.inputType()),
                train,
                evaluation);
    }

    /** Trains this trial in {@code dir} through {@link ExperimentRun#train} (a checkpoint there is resumed as usual). */
    public TrainingResult train(RunDirectory dir, String title, TrainingConfig config) {
        return train(dir, title, config, ExperimentRun.Loops.LOCAL);
    }

    /** The same with the loop made by {@code loops} (e.g. the Spark loop of {@code --spark}). */
    public TrainingResult train(RunDirectory dir, String title, TrainingConfig config, ExperimentRun.Loops loops) {
        return ExperimentRun.train(
                loops, dir, title, config, count, step, train, evaluation, listeners.toArray(TrainingListener[]::new));
    }

    /** The same trial trained by another step (e.g. the data-parallel wrapper of this trial's step). */
    public Trial withStep(TrainingStep other) {
        return new Trial(other, count, train, evaluation, listeners);
    }

    /** The same trial with one more listener. */
    public Trial with(TrainingListener listener) {
        List<TrainingListener> all = new ArrayList<>(listeners);
        all.add(listener);
        return new Trial(step, count, train, evaluation, all);
    }
}

package org.sheetlab.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.LocalTrainingLoop;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingLoop;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.run.RunDirectory;

/**
 * The harness's second {@link TrainingLoop}: the batches of every epoch are trained on Spark by DL4J's
 * SparkDl4jMultiLayer (a MultiLayerNetwork) or SparkComputationGraph, with parameter averaging (default) or gradient
 * sharing ({@link SparkEpochTrainer}). Everything around the batches is the local loop's, so the run folder is the
 * same: {@code metrics.json} and {@code curves.png} after each epoch from the same evaluators (run on the driver), a
 * checkpoint after every epoch and every {@link TrainingConfig#checkpointEvery()} batches, {@code --resume} from the
 * last checkpoint, early stopping, {@code model.zip}; plus {@code spark.json}: the master, the application, the
 * training master's settings (its own JSON) and the time split between the workers' fitting and the rest
 * (broadcast, scheduling, averaging).
 *
 * <p>Only DL4J's own fit ({@link NetworkStep}) can be distributed; another step (a fast step of its own, a GAN's
 * alternating updates) is refused with a message.
 */
public final class SparkTrainingLoop implements TrainingLoop {
    private final RunDirectory run;
    private final TrainingConfig config;
    private final String title;
    private final List<TrainingListener> listeners;
    private final SparkSettings settings;

    public SparkTrainingLoop(
            RunDirectory run,
            TrainingConfig config,
            String title,
            List<TrainingListener> listeners,
            SparkSettings settings) {
        this.run = run;
        this.config = config;
        this.title = title;
        this.listeners = new ArrayList<>(listeners);
        this.settings = settings;
    }

    @Override
    public TrainingResult fit(TrainingStep step, DataSource train, List<EvaluationSet> evaluation) {
        if (!(step instanceof NetworkStep)) {
            throw new IllegalArgumentException("--spark distributes DL4J's fit of a MultiLayerNetwork or "
                    + "ComputationGraph; this experiment trains with "
                    + step.getClass().getSimpleName()
                    + ", which runs updates of its own (use --step fit where the experiment has it, or drop --spark)");
        }
        SparkEpochTrainer trainer = new SparkEpochTrainer(settings, config.batchSize());
        LocalTrainingLoop loop = new LocalTrainingLoop(run, config, title, trainer);
        listeners.forEach(loop::addListener);
        try {
            return loop.fit(step, train, evaluation);
        } finally {
            Map<String, Object> report = new LinkedHashMap<>(settings.describe());
            report.putAll(trainer.report());
            run.writeJson("spark.json", report);
        }
    }
}

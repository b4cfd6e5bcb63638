package org.sheetlab.train;

import java.util.List;
import org.sheetlab.data.source.DataSource;

/**
 * Runs a {@link TrainingStep} over a {@link DataSource} for {@link TrainingConfig#epochs()} epochs, evaluating after
 * every epoch and keeping a run folder current ({@code metrics.json}, {@code curves.png}, checkpoints, the model).
 * {@link LocalTrainingLoop} runs in this JVM; a distributed implementation (DL4J on Spark) is meant to take the same
 * config, data source and evaluation sets and write the same run folder.
 */
public interface TrainingLoop {
    /** Trains, or continues from the run folder's checkpoint when the config says resume. */
    TrainingResult fit(TrainingStep step, DataSource train, List<EvaluationSet> evaluation);
}

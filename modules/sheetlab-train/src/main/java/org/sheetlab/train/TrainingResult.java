package org.sheetlab.train;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;

/**
 * What a training run produced: its folder, the per-epoch history and the step (whose networks are the trained ones,
 * restored from the checkpoint when the run was resumed).
 */
public record TrainingResult(Path runDir, List<EpochMetrics> history, TrainingStep step, boolean stoppedEarly) {
    public EpochMetrics last() {
        if (history.isEmpty()) {
            throw new IllegalStateException("no epoch has finished in " + runDir);
        }
        return history.get(history.size() - 1);
    }

    /** The main network (the first of the step's networks). */
    public Model model() {
        return step.evaluationModel();
    }
}

package org.sheetlab.spark;

import java.util.List;
import java.util.Map;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingLoop;
import org.sheetlab.train.TrainingLoopProvider;
import org.sheetlab.train.run.RunDirectory;

/**
 * Registers {@link SparkTrainingLoop} as the engine {@code spark} (META-INF/services), which the CLI's
 * {@code --spark MASTER} looks up; the main jar has no provider and refuses {@code --spark} with one line.
 */
public final class SparkLoopProvider implements TrainingLoopProvider {
    @Override
    public String engine() {
        return "spark";
    }

    @Override
    public Map<String, Object> describe(Map<String, String> settings) {
        return SparkSettings.parse(settings).describe();
    }

    @Override
    public TrainingLoop create(
            RunDirectory run,
            TrainingConfig config,
            String title,
            List<TrainingListener> listeners,
            Map<String, String> settings) {
        return new SparkTrainingLoop(run, config, title, listeners, SparkSettings.parse(settings));
    }
}

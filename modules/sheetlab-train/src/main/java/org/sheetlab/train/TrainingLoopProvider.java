package org.sheetlab.train;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.sheetlab.train.run.RunDirectory;

/**
 * A {@link TrainingLoop} on another engine, found at run time through {@link ServiceLoader} (a
 * {@code META-INF/services/org.sheetlab.train.TrainingLoopProvider} entry), so that the main jar can offer an option
 * like {@code --spark} without depending on the engine: the engine's module ({@code sheetlab-spark}) and its jar
 * provide it.
 */
public interface TrainingLoopProvider {
    /** The engine's name, e.g. {@code spark}. */
    String engine();

    /**
     * Checks {@code settings} (engine-specific, e.g. {@code master}) and returns what the run records about the loop
     * ({@code run.json}); a bad setting gives an {@link IllegalArgumentException} naming it and the fix.
     */
    Map<String, Object> describe(Map<String, String> settings);

    /** A loop training in {@code run} with {@code config}, the listeners and the engine's {@code settings}. */
    TrainingLoop create(
            RunDirectory run,
            TrainingConfig config,
            String title,
            List<TrainingListener> listeners,
            Map<String, String> settings);

    /** The provider of {@code engine} on the class path, if any. */
    static Optional<TrainingLoopProvider> find(String engine) {
        for (TrainingLoopProvider p : ServiceLoader.load(TrainingLoopProvider.class)) {
            if (p.engine().equals(engine)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}

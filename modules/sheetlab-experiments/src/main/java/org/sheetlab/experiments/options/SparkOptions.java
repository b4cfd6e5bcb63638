package org.sheetlab.experiments.options;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sheetlab.experiments.run.ExperimentRun.Loops;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingLoop;
import org.sheetlab.train.TrainingLoopProvider;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Option;

/**
 * {@code --spark MASTER}: train through DL4J on Spark (the loop of the {@code sheetlab-spark} module, found through
 * {@link TrainingLoopProvider}) instead of in this JVM. A picocli mixin of every experiment; experiments whose step is
 * not DL4J's fit are refused by the loop with a message. The main jar has no Spark: there {@code --spark} ends with
 * one line naming the jar to use.
 */
public final class SparkOptions {
    /** The engine name the Spark loop's provider registers under. */
    public static final String ENGINE = "spark";

    @Option(
            names = "--spark",
            paramLabel = "MASTER",
            description = "Train on Spark (DL4J's SparkDl4jMultiLayer / SparkComputationGraph): local[N] or "
                    + "spark://host:port. Needs sheetlab-spark.jar (README 'Spark').")
    public String master;

    @Option(
            names = "--spark-training",
            paramLabel = "averaging|sharing",
            description =
                    "With --spark: parameter averaging (default) or gradient sharing (DL4J's parameter " + "server).")
    public String training;

    @Option(
            names = "--spark-averaging-frequency",
            paramLabel = "K",
            description = "With --spark and parameter averaging: each worker fits K batches of --batch-size between "
                    + "averages (default 5).")
    public Integer averagingFrequency;

    /** Refuses Spark settings without {@code --spark} and {@code --spark} together with {@code --workers}. */
    public void validate(LoopOptions loop) {
        if (master == null) {
            if (training != null || averagingFrequency != null) {
                throw new IllegalArgumentException(
                        "--spark-training and --spark-averaging-frequency apply to Spark training only; add --spark MASTER");
            }
            return;
        }
        if (loop.workers > 1 || loop.averagingFrequency > 1) {
            throw new IllegalArgumentException("--spark and --workers are two kinds of data-parallel training; "
                    + "choose one (--workers: threads in this JVM; --spark: Spark executors)");
        }
    }

    /** The settings handed to the Spark loop's provider. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("master", master);
        if (training != null) {
            s.put("training", training);
        }
        if (averagingFrequency != null) {
            s.put("averagingFrequency", String.valueOf(averagingFrequency));
        }
        return s;
    }

    /**
     * The loops to train with: the local loop without {@code --spark}; with it, the Spark provider's (its settings
     * checked now, before a run folder is opened), or an {@link IllegalArgumentException} when this jar has none.
     */
    public Loops loops() {
        if (master == null) {
            return Loops.LOCAL;
        }
        TrainingLoopProvider provider = TrainingLoopProvider.find(ENGINE)
                .orElseThrow(() -> new IllegalArgumentException("--spark needs the sheetlab-spark jar: build it with "
                        + "`mvn -pl modules/sheetlab-spark -am package -DskipTests` and run `java -jar "
                        + "modules/sheetlab-spark/target/sheetlab-spark.jar <experiment> --spark " + master
                        + " ...` (or submit it with spark-submit; README 'Spark')"));
        Map<String, String> settings = settings();
        Map<String, Object> description = provider.describe(settings);
        return new Loops() {
            @Override
            public TrainingLoop create(
                    RunDirectory dir, TrainingConfig config, String title, List<TrainingListener> listeners) {
                return provider.create(dir, config, title, listeners, settings);
            }

            @Override
            public Map<String, Object> description() {
                return description;
            }
        };
    }
}

package org.sheetlab.experiments.options;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --spark MASTER}: train through DL4J on Spark (the loop of the {@code sheetlab-spark} module, found through
 * {@code TrainingLoopProvider}; {@code ExperimentRun.Loops.of}) instead of in this JVM. A picocli mixin of every experiment; experiments whose step is
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
}

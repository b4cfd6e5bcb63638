package org.sheetlab.spark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Spark loop's settings, parsed from the CLI's {@code --spark*} options: the master ({@code local[N]},
 * {@code local[*]} or {@code spark://host:port}), the training master ({@code averaging}: DL4J's
 * ParameterAveragingTrainingMaster; {@code sharing}: its SharedTrainingMaster, gradient sharing through the parameter
 * server) and, for averaging, how many batches each worker fits between averages. A bad value gives an
 * {@link IllegalArgumentException} naming the option and the allowed values.
 *
 * @param master the Spark master URL
 * @param training {@code averaging} or {@code sharing}
 * @param averagingFrequency batches of {@code --batch-size} each worker fits between two averages (averaging only)
 */
public record SparkSettings(String master, String training, int averagingFrequency) {
    /** DL4J's own default for ParameterAveragingTrainingMaster. */
    public static final int DEFAULT_AVERAGING_FREQUENCY = 5;

    public static final String AVERAGING = "averaging";
    public static final String SHARING = "sharing";

    private static final Pattern MASTER = Pattern.compile("local(\\[(\\d+|\\*)])?|spark://[^:/\\s]+:\\d+");

    public SparkSettings {
        if (master == null || !MASTER.matcher(master).matches()) {
            throw new IllegalArgumentException(
                    "--spark must be local, local[N], local[*] or spark://host:port, got '" + master + "'");
        }
        if (!AVERAGING.equals(training) && !SHARING.equals(training)) {
            throw new IllegalArgumentException("--spark-training must be averaging or sharing, got '" + training + "'");
        }
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("--spark-averaging-frequency must be >= 1, got " + averagingFrequency);
        }
    }

    /** Parses the provider's settings map ({@code master}, optional {@code training}, {@code averagingFrequency}). */
    public static SparkSettings parse(Map<String, String> settings) {
        String training = settings.getOrDefault("training", AVERAGING).toLowerCase(Locale.ROOT);
        String k = settings.get("averagingFrequency");
        if (k != null && SHARING.equals(training)) {
            throw new IllegalArgumentException("--spark-averaging-frequency applies to --spark-training averaging; "
                    + "gradient sharing sends updates after every batch");
        }
        int frequency;
        try {
            frequency = k == null ? DEFAULT_AVERAGING_FREQUENCY : Integer.parseInt(k.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--spark-averaging-frequency must be an integer >= 1, got '" + k + "'");
        }
        return new SparkSettings(settings.get("master"), training, frequency);
    }

    /** True for {@code local}, {@code local[N]}, {@code local[*]}: Spark inside this JVM. */
    public boolean isLocal() {
        return master.startsWith("local");
    }

    /** What run.json records (the training master's full settings go into the run folder's spark.json). */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("master", master);
        d.put(
                "trainingMaster",
                AVERAGING.equals(training) ? "ParameterAveragingTrainingMaster" : "SharedTrainingMaster");
        if (AVERAGING.equals(training)) {
            d.put("averagingFrequency", averagingFrequency);
        }
        d.put("batchSizePerWorker", "--batch-size");
        d.put("rddTrainingApproach", "Direct");
        return d;
    }
}

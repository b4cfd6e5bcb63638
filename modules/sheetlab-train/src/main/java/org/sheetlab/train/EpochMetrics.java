package org.sheetlab.train;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch's results, as written to {@code metrics.json}: the loop's own figures (epoch, batches, training loss,
 * time) and every evaluator's values under their own names ({@code testLoss}, {@code testAccuracy},
 * {@code validationPerplexity}, …: the evaluation set's name followed by the evaluator's metric name).
 */
@JsonPropertyOrder({"epoch", "batches", "trainLoss", "seconds", "samplesPerSecond"})
public final class EpochMetrics {
    private int epoch;
    private int batches;
    private double trainLoss;
    private double seconds;
    private double samplesPerSecond;
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    EpochMetrics() {} // Jackson

    /**
     * @param epoch 1-based epoch number
     * @param batches training batches run in this epoch
     * @param trainLoss mean training loss over the epoch's batches (what the step returned)
     * @param metrics evaluator values by name
     * @param seconds wall time of the epoch's training steps (evaluation excluded)
     * @param samplesPerSecond training examples per second in this epoch
     */
    public EpochMetrics(
            int epoch,
            int batches,
            double trainLoss,
            Map<String, Double> metrics,
            double seconds,
            double samplesPerSecond) {
        this.epoch = epoch;
        this.batches = batches;
        this.trainLoss = trainLoss;
        this.metrics.putAll(metrics);
        this.seconds = seconds;
        this.samplesPerSecond = samplesPerSecond;
    }

    @JsonProperty
    public int epoch() {
        return epoch;
    }

    @JsonProperty
    public int batches() {
        return batches;
    }

    @JsonProperty
    public double trainLoss() {
        return trainLoss;
    }

    @JsonProperty
    public double seconds() {
        return seconds;
    }

    @JsonProperty
    public double samplesPerSecond() {
        return samplesPerSecond;
    }

    /** The evaluators' values by name, in evaluation order. */
    @JsonAnyGetter
    public Map<String, Double> metrics() {
        return metrics;
    }

    @JsonAnySetter
    void putMetric(String name, Double value) {
        metrics.put(name, value);
    }

    /** A metric by name: {@code trainLoss}, {@code seconds}, {@code samplesPerSecond} or an evaluator's value. */
    public double metric(String name) {
        switch (name) {
            case "trainLoss":
                return trainLoss;
            case "seconds":
                return seconds;
            case "samplesPerSecond":
                return samplesPerSecond;
            default:
                Double v = metrics.get(name);
                if (v == null) {
                    throw new IllegalArgumentException("no metric '" + name + "' in epoch " + epoch + "; known: "
                            + "trainLoss, seconds, samplesPerSecond, " + metrics.keySet());
                }
                return v;
        }
    }

    /** {@code testLoss}: the loss on the evaluation set named "test". */
    @JsonIgnore
    public double testLoss() {
        return metric("testLoss");
    }

    /** {@code testAccuracy}: the accuracy on the evaluation set named "test". */
    @JsonIgnore
    public double testAccuracy() {
        return metric("testAccuracy");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpochMetrics m
                && epoch == m.epoch
                && batches == m.batches
                && Double.compare(trainLoss, m.trainLoss) == 0
                && Double.compare(seconds, m.seconds) == 0
                && Double.compare(samplesPerSecond, m.samplesPerSecond) == 0
                && metrics.equals(m.metrics);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(epoch, batches, trainLoss, seconds, samplesPerSecond, metrics);
    }

    @Override
    public String toString() {
        return "EpochMetrics[epoch=" + epoch + ", batches=" + batches + ", trainLoss=" + trainLoss + ", " + metrics
                + ", seconds=" + seconds + "]";
    }
}

package org.sheetlab.experiments.train;

/**
 * One epoch's results, as written to {@code metrics.json}.
 *
 * @param epoch 1-based epoch number
 * @param batches training batches run in this epoch
 * @param trainLoss mean training loss over the epoch's batches (DL4J score: categorical CE averaged over the batch)
 * @param testLoss mean loss on the test set, weighted by batch size
 * @param testAccuracy accuracy on the test set
 * @param seconds wall time of the epoch's training batches
 * @param samplesPerSecond training examples per second in this epoch
 */
public record EpochMetrics(int epoch, int batches, double trainLoss, double testLoss, double testAccuracy,
        double seconds, double samplesPerSecond) {}

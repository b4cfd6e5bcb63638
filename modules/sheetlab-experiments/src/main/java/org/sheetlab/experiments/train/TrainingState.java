package org.sheetlab.experiments.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a training run stands, saved inside each checkpoint: the next (epoch, batch) to run, the loss accumulated in
 * the current epoch so far, the finished epochs' metrics and the options that define the batch order.
 */
public final class TrainingState {
    public int epoch;
    public int batch;
    public double epochLossSum;
    public int epochLossCount;
    public double epochSeconds;
    public long epochSamples;
    public long seed;
    public int batchSize;
    public Integer maxBatches;
    public List<EpochMetrics> history = new ArrayList<>();
}

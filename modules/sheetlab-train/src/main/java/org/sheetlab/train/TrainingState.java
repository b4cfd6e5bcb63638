package org.sheetlab.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training run stands, saved as JSON inside each checkpoint: the next (epoch, batch) to run, the sums of the
 * current epoch so far, the finished epochs' metrics, the settings that define the batch order (checked on resume) and
 * the step's own state.
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
    public Map<String, Object> stepState = new LinkedHashMap<>();

    /** True before the first batch of a run. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isFresh() {
        return epoch == 0 && batch == 0;
    }

    void startEpoch(int next) {
        epoch = next;
        batch = 0;
        epochLossSum = 0;
        epochLossCount = 0;
        epochSeconds = 0;
        epochSamples = 0;
    }
}

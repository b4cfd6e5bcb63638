package org.sheetlab.train;

import org.sheetlab.core.settings.InvalidSettingException;

/**
 * Everything the training loop needs to know, as plain serialisable values (recorded in {@code run.json}). A CLI maps
 * its options onto it; tests and notebooks build it with {@link #builder()}. A value out of range gives an
 * {@link InvalidSettingException} naming the component (e.g. "batchSize must be >= 1, got 0"), which a CLI reports
 * under its own option name.
 *
 * @param seed seeds the batch order of each epoch (through the data source) and ND4J's random generator before every
 *     batch (dropout masks, noise), so that both are functions of (seed, epoch, batch) and a resumed run is identical
 * @param epochs passes over the training source
 * @param batchSize mini-batch size (recorded; the data source applies it, and a checkpoint must match it)
 * @param maxBatches at most this many batches per epoch and per evaluation (smoke runs); {@code null} = all
 * @param checkpointEvery also checkpoint every N batches within an epoch; 0 = only at epoch ends
 * @param patience early stopping: stop after this many epochs without improving {@code monitor}; {@code null} = off
 * @param monitor the metric early stopping and {@code best-model.zip} follow, e.g. {@code testLoss}
 * @param maximize true when a larger {@code monitor} is better (accuracy), false for losses
 * @param resume continue from the run folder's checkpoint instead of refusing a folder that holds a run
 * @param progressBar draw a progress bar on stderr
 */
public record TrainingConfig(
        long seed,
        int epochs,
        int batchSize,
        Integer maxBatches,
        int checkpointEvery,
        Integer patience,
        String monitor,
        boolean maximize,
        boolean resume,
        boolean progressBar) {

    public TrainingConfig {
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
        require(maxBatches == null || maxBatches >= 1, "maxBatches", maxBatches, ">= 1 (or null for all)");
        require(checkpointEvery >= 0, "checkpointEvery", checkpointEvery, ">= 0 (0: only at epoch ends)");
        require(patience == null || patience >= 1, "patience", patience, ">= 1 (or null for no early stopping)");
        require(monitor != null && !monitor.isBlank(), "monitor", monitor, "a metric name, e.g. testLoss");
    }

    private static void require(boolean ok, String setting, Object value, String allowed) {
        InvalidSettingException.require(ok, null, setting, value, allowed);
    }

    /** Batches to run in an epoch of a source with {@code available} batches (−1 = unknown: until it ends). */
    public int batchesPerEpoch(int available) {
        if (available < 0) {
            return maxBatches == null ? Integer.MAX_VALUE : maxBatches;
        }
        return maxBatches == null ? available : Math.min(maxBatches, available);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from the defaults: seed 42, 10 epochs, batch 128, checkpoint every 100 batches. */
    public static final class Builder {
        private long seed = 42;
        private int epochs = 10;
        private int batchSize = 128;
        private Integer maxBatches;
        private int checkpointEvery = 100;
        private Integer patience;
        private String monitor = "testLoss";
        private boolean maximize;
        private boolean resume;
        private boolean progressBar = true;

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder maxBatches(Integer v) {
            maxBatches = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public Builder patience(Integer v) {
            patience = v;
            return this;
        }

        /** The metric to follow for early stopping and the best model; {@code maximize} when larger is better. */
        public Builder monitor(String metric, boolean maximize) {
            this.monitor = metric;
            this.maximize = maximize;
            return this;
        }

        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        public Builder progressBar(boolean v) {
            progressBar = v;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(
                    seed,
                    epochs,
                    batchSize,
                    maxBatches,
                    checkpointEvery,
                    patience,
                    monitor,
                    maximize,
                    resume,
                    progressBar);
        }
    }
}

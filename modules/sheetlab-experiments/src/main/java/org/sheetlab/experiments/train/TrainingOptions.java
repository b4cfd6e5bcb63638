package org.sheetlab.experiments.train;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every training experiment takes. Field initialisers are the defaults (an experiment's own options class
 * may change them in its constructor); picocli fills the fields from the command line, tests set them directly.
 */
public class TrainingOptions {
    @Option(names = "--seed", description = "Random seed for initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    public long seed = 42;

    @Option(names = "--epochs", description = "Number of passes over the training set (default: ${DEFAULT-VALUE}).")
    public int epochs = 10;

    @Option(names = "--batch-size", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = 128;

    @Option(names = "--max-batches", description = "Stop each epoch (and each evaluation) after this many batches; "
            + "for smoke runs (default: no limit).")
    public Integer maxBatches;

    @JsonSerialize(using = ToStringSerializer.class) // a plain path in run.json, not a file: URI
    @Option(names = "--output-dir", description = "Run folder (default: runs/<experiment>/<date-time>).")
    public Path outputDir;

    @Option(names = "--resume", description = "Continue the run in --output-dir from its last checkpoint.")
    public boolean resume;

    @Option(names = "--checkpoint-every", description = "Also checkpoint every N batches within an epoch "
            + "(default: ${DEFAULT-VALUE}; 0 = only at epoch ends).")
    public int checkpointEvery = 100;

    @Option(names = "--patience", description = "Early stopping: stop when the test loss has not improved for this "
            + "many epochs, and keep the best model as best-model.zip (default: off).")
    public Integer patience;

    @Option(names = "--quiet", description = "No progress bar.")
    public boolean quiet;

    /** Rejects nonsensical values with a message naming the option. */
    public void validate() {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (maxBatches != null && maxBatches < 1) {
            throw new IllegalArgumentException("--max-batches must be >= 1, got " + maxBatches);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + checkpointEvery);
        }
        if (patience != null && patience < 1) {
            throw new IllegalArgumentException("--patience must be >= 1, got " + patience);
        }
        if (resume && outputDir == null) {
            throw new IllegalArgumentException("--resume needs --output-dir naming the run folder to continue");
        }
    }
}

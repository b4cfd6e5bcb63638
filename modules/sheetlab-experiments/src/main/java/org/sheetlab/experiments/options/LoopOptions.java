package org.sheetlab.experiments.options;

import picocli.CommandLine.Option;

/**
 * Options of the training loop: epochs, batch size, resume, checkpoint interval, early stopping, data-parallel
 * workers, the training step, the training UI. A picocli mixin;
 * an experiment's options class sets its own defaults in its constructor.
 */
public final class LoopOptions {
    @Option(names = "--epochs", description = "Number of passes over the training set (default: ${DEFAULT-VALUE}).")
    public int epochs = 10;

    @Option(names = "--batch-size", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = 128;

    @Option(names = "--resume", description = "Continue the run in --output-dir from its last checkpoint.")
    public boolean resume;

    @Option(
            names = "--checkpoint-every",
            description = "Also checkpoint every N batches within an epoch "
                    + "(default: ${DEFAULT-VALUE}; 0 = only at epoch ends).")
    public int checkpointEvery = 100;

    @Option(
            names = "--patience",
            description = "Early stopping: stop when the monitored loss (test, or validation where the experiment "
                    + "has a validation split) has not improved for this many epochs, and keep the best model as "
                    + "best-model.zip (default: off).")
    public Integer patience;

    @Option(
            names = "--workers",
            description = "Data-parallel training with DL4J's ParallelWrapper: N >= 2 workers (threads on the CPU, one "
                    + "GPU each on a CUDA machine) share every batch and average parameters and updater state "
                    + "(default: ${DEFAULT-VALUE} = no wrapper). Only for experiments trained with DL4J's fit.")
    public int workers = 1;

    @Option(
            names = "--averaging-frequency",
            description = "With --workers: each worker takes this many local steps on its shards of a batch between "
                    + "averages (default: ${DEFAULT-VALUE} = average after every step).")
    public int averagingFrequency = 1;

    @Option(
            names = "--step",
            description = "Training step: auto (the fast step where the network's layers, updater and listeners "
                    + "allow it, else DL4J's fit, with the reason in run.json and the log), fast (the fast step; an "
                    + "unsupported network is an error naming why) or fit (DL4J's fit) (default: ${DEFAULT-VALUE}).")
    public String step = "auto";

    @Option(
            names = "--ui",
            description = "Watch training in DL4J's training UI: statistics to ui-stats.bin in the run folder, served "
                    + "on 127.0.0.1 at a free port (the URL is logged); replay later with 'sheetlab ui RUN_FOLDER'. "
                    + "Its listener needs DL4J's fit, so --step auto then trains with fit (run.json says why).")
    public boolean ui;
}

package org.sheetlab.experiments;

import java.nio.file.Path;
import org.sheetlab.experiments.options.LoopOptions;
import org.sheetlab.experiments.options.RunOptions;

/** Smoke-run settings for experiment tests: a run folder, few epochs and batches, no progress bar. */
public final class Smoke {
    private Smoke() {}

    /** Sets the run to {@code out}, {@code epochs} epochs of at most {@code maxBatches} batches of {@code batch}. */
    public static void set(RunOptions run, LoopOptions loop, Path out, int epochs, Integer maxBatches, int batch) {
        run.outputDir = out;
        run.maxBatches = maxBatches;
        run.quiet = true;
        loop.epochs = epochs;
        loop.batchSize = batch;
        loop.checkpointEvery = 0;
    }
}

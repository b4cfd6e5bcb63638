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

    /**
     * A copy of the installed Fashion-MNIST in {@code dir} whose test labels file is corrupt (a header that promises
     * three labels and holds two), for the bad-input tests.
     */
    public static Path corruptFashionMnistCopy(Path installed, Path dir) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(installed)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("t10k-labels")) {
                    java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        java.nio.file.Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2});
        return dir;
    }
}

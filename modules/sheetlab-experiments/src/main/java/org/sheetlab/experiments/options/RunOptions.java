package org.sheetlab.experiments.options;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of a run, whatever it trains: seed, run folder, smoke-run size, progress bar. A picocli mixin. */
public final class RunOptions {
    @Option(
            names = "--seed",
            description = "Random seed for initialisation, shuffling and dropout " + "(default: ${DEFAULT-VALUE}).")
    public long seed = 42;

    @JsonSerialize(using = ToStringSerializer.class) // a plain path in run.json, not a file: URI
    @Option(names = "--output-dir", description = "Run folder (default: runs/<experiment>/<date-time>).")
    public Path outputDir;

    @Option(
            names = "--max-batches",
            description = "Stop each epoch (and each evaluation) after this many batches; "
                    + "for smoke runs (default: no limit).")
    public Integer maxBatches;

    @Option(names = "--quiet", description = "No progress bar.")
    public boolean quiet;
}

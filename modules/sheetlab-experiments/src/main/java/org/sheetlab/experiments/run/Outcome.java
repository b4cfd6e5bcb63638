package org.sheetlab.experiments.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sheetlab.train.TrainingResult;

/**
 * What running an experiment produced: the run folder, one {@link Row} per variant, each variant's
 * {@link TrainingResult} (history and trained networks; absent for a variant that diverged), and the experiment's own
 * results beyond the rows (what {@link Experiment#finish} returned; also in {@code run.json}).
 */
public record Outcome(Path runDir, List<Row> rows, Map<String, TrainingResult> results, Map<String, Object> extra) {
    /** The row of {@code variant}. */
    public Row row(String variant) {
        return rows.stream()
                .filter(r -> r.variant().equals(variant))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no variant " + variant + " in " + rows));
    }

    /** The single row of an experiment that trains one network. */
    public Row only() {
        if (rows.size() != 1) {
            throw new IllegalStateException("the run has " + rows.size() + " variants, not one");
        }
        return rows.get(0);
    }

    /** The training result of an experiment that trains one network. */
    public TrainingResult trained() {
        if (results.size() != 1) {
            throw new IllegalStateException("the run has " + results.size() + " trained variants, not one");
        }
        return results.values().iterator().next();
    }

    /** The training result of {@code variant}. */
    public TrainingResult result(String variant) {
        TrainingResult r = results.get(variant);
        if (r == null) {
            throw new IllegalArgumentException("no training result for " + variant + "; have " + results.keySet());
        }
        return r;
    }

    /** An entry of the experiment's own results, cast to what the caller expects. */
    @SuppressWarnings("unchecked")
    public <T> T extra(String key) {
        if (!extra.containsKey(key)) {
            throw new IllegalArgumentException("no result '" + key + "'; have " + extra.keySet());
        }
        return (T) extra.get(key);
    }

    /** What the CLI prints at the end: the summary table and the run folder. */
    public String report() {
        try {
            return Files.readString(runDir.resolve(Summary.FILE)) + "run folder " + runDir + System.lineSeparator();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

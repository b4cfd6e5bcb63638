package org.sheetlab.experiments.run;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sheetlab.experiments.plot.Comparison;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.run.RunDirectory;

/**
 * The compare-variants loop of the comparison experiments (pooling kinds, RNN cells, initialisations): train each
 * variant in its own sub-folder of the run (a full run folder with checkpoints, so {@code --resume} continues the
 * variant that was interrupted), and rewrite {@code summary.*} and {@code comparison.png} after each.
 */
public final class Variants {
    private Variants() {}

    /** What training one variant gives: its result, or a row of its own (e.g. a diverged variant). */
    public interface Trainer<V> {
        Comparison.Row train(V variant, RunDirectory folder);
    }

    /** Trains every variant in {@code run/<folder name>} and returns the rows in order. */
    public static <V> List<Comparison.Row> compare(
            RunDirectory run, String title, List<V> variants, Function<V, String> folderName, Trainer<V> trainer) {
        List<Comparison.Row> rows = new ArrayList<>();
        for (V v : variants) {
            rows.add(trainer.train(v, new RunDirectory(run.resolve(folderName.apply(v)))));
            Comparison.write(run, title, rows);
        }
        return rows;
    }

    /** The comparison row of a trained variant: last test accuracy and loss, mean seconds per epoch, parameters. */
    public static Comparison.Row row(String name, TrainingResult r) {
        return row(name, r, r.last().testAccuracy(), r.last().testLoss());
    }

    /**
     * The same with the accuracy and loss columns given, for variants whose evaluation reports other figures (a
     * language model's nll, a VAE's negative ELBO).
     */
    public static Comparison.Row row(String name, TrainingResult r, double accuracy, double loss) {
        double seconds = r.history().stream()
                .mapToDouble(EpochMetrics::seconds)
                .average()
                .orElse(0);
        return new Comparison.Row(
                name, accuracy, loss, seconds, r.history().size(), r.model().numParams());
    }
}

package org.sheetlab.experiments.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.experiments.options.SparkOptions;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.LocalTrainingLoop;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingLoop;
import org.sheetlab.train.TrainingLoopProvider;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.eval.AccuracyEvaluator;
import org.sheetlab.train.eval.LossEvaluator;
import org.sheetlab.train.run.RunDirectory;

/**
 * The pieces {@link Experiment} runs around the harness: map the options onto a {@link TrainingConfig}, open the run
 * folder, write {@code run.json} (options, training config, seed, provenance), and train one step in a run folder
 * (the parameter table first, then {@link LocalTrainingLoop}).
 */
public final class ExperimentRun {
    private ExperimentRun() {}

    /** Writes {@code run.json}: experiment, status, options, training config, seed, provenance and extra entries. */
    public static void writeRunJson(
            RunDirectory run,
            String experiment,
            String status,
            Object options,
            TrainingConfig config,
            Map<String, ?> extra) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", experiment);
        json.put("status", status);
        json.put("options", options);
        json.put("training", config);
        json.put("seed", config.seed());
        json.putAll(extra);
        json.put("provenance", Provenance.collect());
        run.writeJson("run.json", json);
    }

    /**
     * Trains {@code step} in {@code dir} (or continues it from its checkpoint when the config says resume; a finished
     * run is only reloaded), after writing the sheet's parameter/activation table ({@code parameters.txt},
     * {@code parameters.json}) when {@code count} is given.
     */
    public static TrainingResult train(
            RunDirectory dir,
            String title,
            TrainingConfig config,
            NetworkCount count,
            TrainingStep step,
            DataSource train,
            List<EvaluationSet> evaluation,
            TrainingListener... listeners) {
        return train(Loops.LOCAL, dir, title, config, count, step, train, evaluation, listeners);
    }

    /** The same, with the loop made by {@code loops} (e.g. the Spark loop of {@code --spark}). */
    public static TrainingResult train(
            Loops loops,
            RunDirectory dir,
            String title,
            TrainingConfig config,
            NetworkCount count,
            TrainingStep step,
            DataSource train,
            List<EvaluationSet> evaluation,
            TrainingListener... listeners) {
        if (count != null) {
            dir.writeText("parameters.txt", count.toTable(config.batchSize()));
            dir.writeJson("parameters.json", count);
        }
        return loops.create(dir, config, title, List.of(listeners)).fit(step, train, evaluation);
    }

    /** How a trial's loop is made: {@link #LOCAL} in this JVM, or an engine's ({@code --spark}). */
    public interface Loops {
        /** {@link LocalTrainingLoop}. */
        Loops LOCAL = (dir, config, title, listeners) -> {
            LocalTrainingLoop loop = new LocalTrainingLoop(dir, config, title);
            listeners.forEach(loop::addListener);
            return loop;
        };

        /**
         * The loops {@code spark} asks for: {@link #LOCAL} without {@code --spark}; with it, the Spark provider's
         * (its settings checked now, before a run folder is opened), or an {@link IllegalArgumentException} when this
         * jar has none.
         */
        static Loops of(SparkOptions spark) {
            if (spark.master == null) {
                return LOCAL;
            }
            TrainingLoopProvider provider = TrainingLoopProvider.find(SparkOptions.ENGINE)
                    .orElseThrow(
                            () -> new IllegalArgumentException("--spark needs the sheetlab-spark jar: build it with "
                                    + "`mvn -pl modules/sheetlab-spark -am package -DskipTests` and run `java -jar "
                                    + "modules/sheetlab-spark/target/sheetlab-spark.jar <experiment> --spark "
                                    + spark.master
                                    + " ...` (or submit it with spark-submit; README 'Spark')"));
            Map<String, String> settings = spark.settings();
            Map<String, Object> description = provider.describe(settings);
            return new Loops() {
                @Override
                public TrainingLoop create(
                        RunDirectory dir, TrainingConfig config, String title, List<TrainingListener> listeners) {
                    return provider.create(dir, config, title, listeners, settings);
                }

                @Override
                public Map<String, Object> description() {
                    return description;
                }
            };
        }

        TrainingLoop create(RunDirectory dir, TrainingConfig config, String title, List<TrainingListener> listeners);

        /** What {@code run.json} records about the loop (empty for the local loop). */
        default Map<String, Object> description() {
            return Map.of();
        }
    }

    /** The usual evaluation of a classifier: the set {@code name} with loss and accuracy ({@code nameLoss}, …). */
    public static List<EvaluationSet> classification(String name, DataSource data) {
        return List.of(EvaluationSet.of(name, data, new LossEvaluator(), new AccuracyEvaluator()));
    }
}

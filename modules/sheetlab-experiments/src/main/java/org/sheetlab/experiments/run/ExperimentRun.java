package org.sheetlab.experiments.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.experiments.options.LoopOptions;
import org.sheetlab.experiments.options.RunOptions;
import org.sheetlab.models.MultiLayerNetworkBuilder;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.LocalTrainingLoop;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.eval.AccuracyEvaluator;
import org.sheetlab.train.eval.LossEvaluator;
import org.sheetlab.train.run.RunDirectory;

/**
 * What every experiment does around the harness: map its options onto a {@link TrainingConfig}, open the run folder,
 * write {@code run.json} (options, training config, seed, provenance), and train one step in a run folder (the
 * parameter table first, then {@link LocalTrainingLoop}). Experiments that train several variants give each its own
 * sub-folder (see {@link Variants}).
 */
public final class ExperimentRun {
    private ExperimentRun() {}

    /** The harness config of these options (the monitored metric: the test loss, minimised). */
    public static TrainingConfig config(RunOptions run, LoopOptions loop) {
        return configBuilder(run, loop).build();
    }

    /** A builder preset from these options, for an experiment that changes something (e.g. the monitor). */
    public static TrainingConfig.Builder configBuilder(RunOptions run, LoopOptions loop) {
        return TrainingConfig.builder()
                .seed(run.seed)
                .epochs(loop.epochs)
                .batchSize(loop.batchSize)
                .maxBatches(run.maxBatches)
                .checkpointEvery(loop.checkpointEvery)
                .patience(loop.patience)
                .resume(loop.resume)
                .progressBar(!run.quiet);
    }

    /**
     * The run folder: {@code --output-dir}, or {@code runs/<experiment>/<date-time>}. With {@code --resume} the
     * folder must be named and hold a run.
     */
    public static RunDirectory open(String experiment, RunOptions o, boolean resume) {
        if (resume && o.outputDir == null) {
            throw new IllegalArgumentException("--resume needs --output-dir naming the run folder to continue");
        }
        Path out = o.outputDir != null
                ? o.outputDir
                : Paths.get(
                        "runs", experiment, LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (resume && !Files.isRegularFile(out.resolve("run.json"))) {
            throw new IllegalArgumentException("--resume: no run in "
                    + out.toAbsolutePath().normalize() + " (no run.json); start a new run without --resume");
        }
        return new RunDirectory(out);
    }

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
        if (count != null) {
            dir.writeText("parameters.txt", count.toTable(config.batchSize()));
            dir.writeJson("parameters.json", count);
        }
        LocalTrainingLoop loop = new LocalTrainingLoop(dir, config, title);
        for (TrainingListener l : listeners) {
            loop.addListener(l);
        }
        return loop.fit(step, train, evaluation);
    }

    /**
     * Builds and initialises the network of {@code builder}, writes its parameter table and trains it with DL4J's own
     * fit ({@link NetworkStep}).
     */
    public static TrainingResult trainNetwork(
            RunDirectory dir,
            String title,
            TrainingConfig config,
            MultiLayerNetworkBuilder builder,
            DataSource train,
            List<EvaluationSet> evaluation,
            TrainingListener... listeners) {
        MultiLayerNetwork net = builder.init();
        NetworkCount count = NetworkCounter.count(net.getLayerWiseConfigurations(), builder.inputType());
        return train(dir, title, config, count, NetworkStep.of(net), train, evaluation, listeners);
    }

    /** The usual evaluation of a classifier: the set {@code name} with loss and accuracy ({@code nameLoss}, …). */
    public static List<EvaluationSet> classification(String name, DataSource data) {
        return List.of(EvaluationSet.of(name, data, new LossEvaluator(), new AccuracyEvaluator()));
    }
}

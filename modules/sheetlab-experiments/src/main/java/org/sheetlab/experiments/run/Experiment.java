package org.sheetlab.experiments.run;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.options.SparkOptions;
import org.sheetlab.experiments.ui.TrainingUi;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingDivergedException;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.fast.StepSelection;
import org.sheetlab.train.parallel.ParallelStep;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * An experiment as a declaration the harness runs. A subclass says only what is particular to it: its options (a
 * picocli mixin extending {@link ExperimentOptions}), its headline metrics, its data, its variants and, per variant,
 * the {@link Trial} to train (model, data source, evaluators), plus optional measurements after training and figures
 * at the end. {@link #run(ExperimentOptions)} does the rest, the same way for every experiment:
 *
 * <ol>
 *   <li>check the options ({@link #validate}) and parse the variants;
 *   <li>open the run folder, load the data ({@link #data}), make the one {@link TrainingConfig} ({@link #config}) from
 *       which every consumer takes the seed and the batch size, and write {@code run.json} (status {@code running});
 *   <li>for each variant: build its trial from the {@link Context}, check that the training source's batch size is
 *       the config's, train it through {@link ExperimentRun#train} (in a sub-folder named after the variant, or in the
 *       run folder itself for a single-network experiment), take the headline values from the last epoch and from
 *       {@link #measure}, and rewrite the summary ({@link Summary}); a variant that trains nothing (a search index)
 *       gives its row from {@link #compute} instead;
 *   <li>call {@link #finish} for the experiment's own figures and write {@code run.json} again (status
 *       {@code completed}, the rows and what {@code finish} returned).
 * </ol>
 *
 * <p>Adding an experiment is one subclass (annotated {@code @Command(name = "...", mixinStandardHelpOptions = true,
 * description = "...")}: the command's name is the experiment's name; its options usually extend
 * {@link org.sheetlab.experiments.options.TrainedOptions}), one line in {@code SheetlabCli.EXPERIMENTS} and one
 * test.
 *
 * @param <O> the options
 * @param <D> the data the variants share (e.g. {@code FashionMnist}), loaded once
 * @param <V> a variant (e.g. a pooling kind); a single-network experiment has one
 */
public abstract class Experiment<O extends ExperimentOptions, D, V> implements Callable<Integer> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Experiment.class);
    private final String name;
    private final List<Headline> headline;

    /** The options picocli fills in: an instance of the subclass's own options class, given to the constructor. */
    @Mixin
    private O options;

    /**
     * The experiment's name (its command, run-folder name and {@code run.json} entry) is the {@code name} of the
     * subclass's {@link Command @Command} annotation.
     *
     * @param options its options with their defaults (picocli parses the command line into this instance)
     * @param headline the figures it reports, unless {@link #headline(ExperimentOptions)} depends on the options
     */
    protected Experiment(O options, Headline... headline) {
        Command command = getClass().getAnnotation(Command.class);
        if (command == null || command.name().isBlank() || command.name().equals("<main class>")) {
            throw new IllegalStateException(
                    getClass().getName() + " needs @Command(name = \"<experiment>\", description = \"...\")");
        }
        this.name = command.name();
        this.options = options;
        this.headline = List.of(headline);
    }

    public final String name() {
        return name;
    }

    /**
     * The figures this experiment reports with these options, in order: summary columns, metrics.json entries,
     * comparison charts. By default the ones given to the constructor.
     */
    public List<Headline> headline(O options) {
        return headline;
    }

    /**
     * Checks the experiment's own options, after the shared ones ({@link ExperimentOptions#validate()}); a bad one
     * fails with a message naming it, its value and its range.
     */
    protected void validate(O options) {}

    /** For {@link #validate}: an {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
    protected static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Loads the data every variant uses (called once, after the run folder is open), with the run's seed for data
     * that is split or sampled at random; data prepared for the run (e.g. a corpus file) may be written into
     * {@code run}.
     */
    protected abstract D data(O options, long seed, RunDirectory run);

    /**
     * The loop settings; an experiment that monitors another metric (e.g. a validation loss) or whose batch size
     * depends on the data (full batch) overrides this.
     */
    protected TrainingConfig config(O options, D data) {
        return options.config();
    }

    /** What {@code run.json} records about the data, e.g. {@code dataset: Fashion-MNIST 60000/10000}. */
    protected abstract Map<String, Object> describe(D data);

    /**
     * The variants to train, in order, each in a sub-folder named after it. None (the default): the experiment trains
     * one network, in the run folder itself, and its hooks get {@code null} as the variant.
     */
    protected List<V> variants(O options) {
        return List.of();
    }

    /** A variant's name: its row and its sub-folder (an enum constant's name in lower case, else toString). */
    protected String label(V variant) {
        return variant instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : String.valueOf(variant);
    }

    /** The sub-folder a variant trains in (its label unless the label is not a good folder name). */
    protected String folder(V variant) {
        return label(variant);
    }

    /** What to train for {@code variant}; {@code folder} is where it trains (for listeners that write files). */
    protected Trial trial(Context<O, D> context, V variant, RunDirectory folder) {
        throw new IllegalStateException(name + " overrides neither trial() (what to train) nor compute() (what to "
                + "measure without training)");
    }

    /**
     * For an experiment that trains nothing (a search index, a closed-form computation): the row of {@code variant}
     * (named {@code label}; its headline values, the seconds its work took in place of an epoch's, 0 epochs, its
     * parameter count), with its files written into {@code folder}. The harness then skips {@link #trial} and
     * training for the variant and shows the rows as a comparison ({@code metrics.json}, {@code summary.txt},
     * {@code comparison.png}), even for a single one. By default {@code null}: the variant is trained.
     */
    protected Row compute(Context<O, D> context, V variant, String label, RunDirectory folder) {
        return null;
    }

    /**
     * Headline values measured after training (e.g. an importance-weighted bound, a threshold), and per-variant
     * figures written into {@code folder}. Values of the last epoch whose names are headline keys are taken already.
     * Values under other keys are kept in the variant's row ({@code metrics.json}) but not shown in the table.
     */
    protected Map<String, Double> measure(
            Context<O, D> context, V variant, TrainingResult trained, RunDirectory folder) {
        return Map.of();
    }

    /**
     * True when a diverged variant is a result (its row says so, with no values) rather than an error that stops the
     * run; for experiments that show what makes training fail.
     */
    protected boolean keepsDivergedVariants() {
        return false;
    }

    /** The experiment's own files and results after all variants; the map goes into {@code run.json}. */
    protected Map<String, Object> finish(Context<O, D> context, List<Row> rows, Map<String, TrainingResult> results) {
        return Map.of();
    }

    /** The CLI entry: runs with the parsed options and prints the summary. */
    @Override
    public final Integer call() {
        System.out.print(run(options).report());
        return 0;
    }

    /** Runs the experiment; the CLI, tests and notebooks all come through here. */
    public final Outcome run(O options) {
        options.validate();
        validate(options);
        List<V> variants = variants(options); // parsed before anything is written
        ExperimentRun.Loops loops =
                ExperimentRun.Loops.of(options.spark); // --spark without its jar: refused before any write
        boolean fresh = options.run.outputDir == null || !Files.exists(options.run.outputDir);
        RunDirectory run = options.open(name);
        D data;
        TrainingConfig config;
        Map<String, Object> described;
        try {
            data = data(options, options.run.seed, run);
            config = config(options, data);
            described = describe(data);
            if (!loops.description().isEmpty()) {
                described = new LinkedHashMap<>(described);
                described.put(SparkOptions.ENGINE, loops.description());
            }
        } catch (RuntimeException e) {
            removeIfEmpty(fresh, run); // bad settings or missing data leave no empty run folder behind
            throw e;
        }
        ExperimentRun.writeRunJson(run, name, "running", options, config, described);
        Context<O, D> context = new Context<>(options, config, run, data);
        List<Row> rows = new ArrayList<>();
        Map<String, TrainingResult> results = new LinkedHashMap<>();
        Map<String, Object> steps = new LinkedHashMap<>();
        boolean single = variants.isEmpty();
        TrainingUi ui = new TrainingUi(run); // --ui: DL4J's training UI while the networks train
        for (V variant : single ? java.util.Collections.<V>singletonList(null) : variants) {
            String label = single ? name : label(variant);
            RunDirectory folder = single ? run : new RunDirectory(run.resolve(folder(variant)));
            Row computed = compute(context, variant, label, folder);
            if (computed != null) {
                rows.add(computed);
                Summary.writeComparison(run, name, headline(options), rows);
                continue;
            }
            Trial trial = dataParallel(options, chooseStep(options, label, trial(context, variant, folder), steps));
            if (options.loop.ui) {
                trial = trial.with(ui.recorder(trial.step(), folder, single ? name : name + " " + label));
            }
            if (trial.train().batchSize() != config.batchSize()) {
                throw new IllegalStateException(name + " " + label + ": the training source's batch size "
                        + trial.train().batchSize() + " is not the config's " + config.batchSize()
                        + "; build the source from context.batchSize()");
            }
            Row row;
            try {
                TrainingResult trained = trial.train(folder, single ? name : name + " " + label, config, loops);
                results.put(label, trained);
                row = row(options, label, trained, measure(context, variant, trained, folder));
            } catch (TrainingDivergedException e) {
                if (!keepsDivergedVariants()) {
                    throw e;
                }
                row = new Row(
                        label,
                        Map.of(),
                        Double.NaN,
                        0,
                        trial.step().evaluationModel().numParams(),
                        e.getMessage());
            }
            rows.add(row);
            if (single) {
                Summary.writeSingle(
                        run, name, headline(options), row, results.get(label).history());
            } else {
                Summary.writeComparison(run, name, headline(options), rows);
            }
        }
        ui.close();
        Map<String, Object> extra = finish(context, List.copyOf(rows), results);
        Map<String, Object> completed = new LinkedHashMap<>(described);
        completed.put("headline", headline(options).stream().map(Headline::key).toList());
        completed.put("variants", rows);
        completed.put("steps", steps);
        completed.putAll(extra);
        ExperimentRun.writeRunJson(run, name, "completed", options, config, completed);
        return new Outcome(run.root(), List.copyOf(rows), results, extra);
    }

    /**
     * The trial itself, or with {@code --workers N} (N >= 2) its step wrapped in DL4J's ParallelWrapper
     * ({@link ParallelStep}); a step that is not DL4J's fit is refused there with a message.
     */
    private static Trial dataParallel(ExperimentOptions options, Trial trial) {
        if (options.loop.workers == 1 && options.loop.averagingFrequency == 1) {
            return trial;
        }
        return trial.withStep(ParallelStep.of(trial.step(), options.loop.workers, options.loop.averagingFrequency));
    }

    /**
     * The trial with its step chosen by {@code --step} ({@link StepSelection}): a plain network step becomes the fast
     * step where it is supported; the choice, and the reason where it is fit, go into {@code steps} (run.json) and one
     * log line.
     */
    private Trial chooseStep(ExperimentOptions options, String label, Trial trial, Map<String, Object> steps) {
        StepSelection choice;
        if (options.spark.master != null && trial.step() instanceof NetworkStep && !options.loop.step.equals("fit")) {
            // --spark: Spark's training masters replicate DL4J's fit, so auto picks fit and fast is refused
            if (options.loop.step.equals("fast")) {
                throw new IllegalArgumentException("--step fast runs its own updates, which Spark's training "
                        + "masters cannot replicate; with --spark use --step fit (auto picks it)");
            }
            choice = new StepSelection(trial.step(), "fit", "--spark: Spark's training masters run DL4J's fit");
        } else if (options.loop.ui && trial.step() instanceof NetworkStep && !options.loop.step.equals("fit")) {
            // --ui: DL4J's StatsListener records inside fit, so auto picks fit and fast is refused
            if (options.loop.step.equals("fast")) {
                throw new IllegalArgumentException("--step fast bypasses DL4J's fit, inside which --ui's "
                        + "StatsListener records; with --ui use --step auto or --step fit");
            }
            choice = new StepSelection(trial.step(), "fit", "--ui: DL4J's StatsListener records inside fit");
        } else {
            choice = StepSelection.choose(trial.step(), options.loop.step, options.loop.workers);
        }
        steps.put(label, choice.toJson());
        String line = choice.describe(name + (label.equals(name) ? "" : " " + label));
        if (choice.reason() == null) {
            log.debug(line); // the fast step: run.json's "steps" says so; a bad-input error stays the only line
        } else {
            log.info(line); // a fallback, with its reason
        }
        return choice.step() == trial.step() ? trial : trial.withStep(choice.step());
    }

    private static void removeIfEmpty(boolean fresh, RunDirectory run) {
        try (var entries = Files.list(run.root())) {
            if (fresh && entries.findAny().isEmpty()) {
                Files.delete(run.root());
            }
        } catch (IOException ignored) {
            // best effort: the error being reported matters more than an empty folder
        }
    }

    /** The row of a trained variant: headline values from the last epoch, then from {@code measured}. */
    private Row row(O options, String label, TrainingResult trained, Map<String, Double> measured) {
        EpochMetrics last = trained.last();
        Map<String, Double> values = new LinkedHashMap<>();
        for (Headline h : headline(options)) {
            Double v = measured.containsKey(h.key()) ? measured.get(h.key()) : epochValue(last, h.key());
            if (v == null) {
                throw new IllegalStateException(name + " declares the headline metric " + h.key()
                        + ", but neither the last epoch nor measure() reports it for " + label);
            }
            values.put(h.key(), v);
        }
        measured.forEach(values::putIfAbsent); // further measurements: in metrics.json, not in the table
        double seconds = trained.history().stream()
                .mapToDouble(EpochMetrics::seconds)
                .average()
                .orElse(0);
        return new Row(
                label,
                values,
                seconds,
                trained.history().size(),
                trained.model().numParams(),
                null);
    }

    private static Double epochValue(EpochMetrics m, String key) {
        return key.equals("trainLoss")
                ? Double.valueOf(m.trainLoss())
                : m.metrics().get(key);
    }
}

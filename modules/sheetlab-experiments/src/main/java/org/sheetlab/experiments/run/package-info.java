/**
 * The experiment harness: an experiment is a declaration ({@link org.sheetlab.experiments.run.Experiment}: options,
 * headline metrics, data, variants, a {@link org.sheetlab.experiments.run.Trial} per variant, measurements and
 * figures) that {@code Experiment.run} executes the same way every time: one
 * {@code TrainingConfig} from the options (the only source of seed and batch size), the run folder with
 * {@code run.json} ({@link org.sheetlab.experiments.run.Provenance}: versions, git revision, backend), each variant
 * trained through {@link org.sheetlab.experiments.run.ExperimentRun#train}, and the summary of the declared
 * {@link org.sheetlab.experiments.run.Headline} metrics ({@link org.sheetlab.experiments.run.Summary}:
 * {@code summary.txt}, {@code metrics.json}, {@code comparison.png}).
 */
package org.sheetlab.experiments.run;

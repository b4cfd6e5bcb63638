/**
 * The experiments' options as picocli mixins: {@link org.sheetlab.experiments.options.RunOptions} (seed, run folder,
 * max batches, quiet) apart from {@link org.sheetlab.experiments.options.LoopOptions} (epochs, batch size, resume,
 * checkpoints, patience), plus the shared {@code --learning-rate} and {@code --data-dir}, composed by
 * {@link org.sheetlab.experiments.options.ExperimentOptions} and, for an experiment trained with one learning rate,
 * {@link org.sheetlab.experiments.options.TrainedOptions} (the usual base of a new experiment's options). Each experiment composes
 * only the mixins whose options it honours, so {@code --help} never shows an option that does nothing.
 */
package org.sheetlab.experiments.options;

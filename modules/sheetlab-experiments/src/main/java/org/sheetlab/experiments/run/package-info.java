/**
 * What every experiment does around the training harness: {@link org.sheetlab.experiments.run.ExperimentRun} maps the
 * options onto a {@code TrainingConfig}, opens the run folder, writes {@code run.json} (options, training config,
 * seed, {@link org.sheetlab.experiments.run.Provenance}: versions, git revision, backend) and the parameter table, and
 * trains; {@link org.sheetlab.experiments.run.Variants} trains several variants in sub-folders and compares them.
 */
package org.sheetlab.experiments.run;

/**
 * Run folders: every experiment writes {@code run.json} (options, seed, versions, git revision, backend),
 * {@code metrics.json}, plots, the model and its parameter table into one directory. Every file is written
 * atomically (temporary file in the same directory, then an atomic move), so a killed run never leaves a half-written
 * result or checkpoint.
 */
package org.sheetlab.experiments.run;

/**
 * Run folders: every file a run writes ({@code run.json}, {@code metrics.json}, plots, checkpoints, models) goes
 * through {@link org.sheetlab.train.run.RunDirectory}, atomically (temporary file in the same directory, then an
 * atomic move), so a killed run never leaves a half-written result or checkpoint.
 */
package org.sheetlab.train.run;

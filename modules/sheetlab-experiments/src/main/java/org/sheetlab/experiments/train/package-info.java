/**
 * The training loop every experiment shares: seeded per-epoch shuffling, a progress bar (epoch, batch, loss,
 * samples/s), per-epoch evaluation, metrics and curves written after every epoch, and checkpoints (model, updater
 * state and loop position in one atomically written zip) from which {@code --resume} continues a killed run on exactly
 * the batches it would have seen.
 */
package org.sheetlab.experiments.train;

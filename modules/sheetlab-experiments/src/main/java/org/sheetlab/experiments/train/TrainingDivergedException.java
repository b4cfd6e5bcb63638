package org.sheetlab.experiments.train;

/** The training loss became NaN or infinite; the message names the epoch, the batch and the fix. */
public final class TrainingDivergedException extends IllegalStateException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}

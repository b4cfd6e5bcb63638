package org.sheetlab.train;

/** The training loss became NaN or infinite; the message names the epoch, the batch and the fix. */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}

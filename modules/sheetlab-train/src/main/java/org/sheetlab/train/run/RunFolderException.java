package org.sheetlab.train.run;

/**
 * A run folder cannot be created or a file in it cannot be written (no permission, not a folder, no space left).
 * The message is one line that names the folder or file and the fix; the CLI prints it with exit code 2.
 */
public final class RunFolderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RunFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}

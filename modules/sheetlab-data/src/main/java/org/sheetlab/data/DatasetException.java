package org.sheetlab.data;

/**
 * A dataset is missing, incomplete or corrupt. The message names the file, what is wrong, and the command that fixes
 * it.
 */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}

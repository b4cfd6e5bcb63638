package org.sheetlab.data.idx;

/** A file is not a well-formed IDX file. The message names the file and what is wrong with it. */
public class IdxFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.sheetlab.train.run;

import org.sheetlab.core.settings.InvalidSettingException;

/**
 * A run folder cannot be created or a file in it cannot be written (no permission, not a folder, no space left).
 * The message is one line that names the folder or file and the fix; the setting is the run folder ({@code
 * outputDir}, "run folder" in the library message), so a CLI names its own option for it. The CLI prints it with exit
 * code 2.
 */
public final class RunFolderException extends InvalidSettingException {
    private static final long serialVersionUID = 1L;

    /**
     * @param folder the run folder
     * @param template the message: settings as {@code {name|words}}, values as {@code %s}
     * @param cause the I/O failure, or null
     * @param args the values
     */
    public RunFolderException(Object folder, String template, Throwable cause, Object... args) {
        super(null, "outputDir", folder, null, template, cause, args);
    }
}

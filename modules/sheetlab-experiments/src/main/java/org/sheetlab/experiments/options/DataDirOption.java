package org.sheetlab.experiments.options;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}: where the experiment's dataset lives. A picocli mixin. */
public final class DataDirOption {
    @JsonSerialize(using = ToStringSerializer.class)
    @Option(
            names = "--data-dir",
            paramLabel = "<dir>",
            description = "Folder with the dataset's files (default: $SHEETLAB_DATA/<dataset>, "
                    + "then the Debian package's folder; fetched with datasets/<dataset>/fetch.sh when missing).")
    public Path value;
}

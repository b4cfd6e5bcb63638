package org.sheetlab.experiments.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

/**
 * The training statistics file of a run folder: {@value #FILE}, DL4J's {@link FileStatsStorage} (a MapDB file) that
 * the {@code StatsListener} of a run trained with {@code --ui} writes, one per trained network (a comparison
 * experiment's variants each in their own sub-folder), and that {@code sheetlab ui RUN_FOLDER} replays.
 */
public final class UiStats {
    /** The file name in a run folder (or a variant's sub-folder). */
    public static final String FILE = "ui-stats.bin";

    private UiStats() {}

    /**
     * The statistics files of {@code runFolder}: its own {@value #FILE} and those of its variants' sub-folders, in
     * name order.
     */
    public static List<Path> find(Path runFolder) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(runFolder.resolve(FILE))) {
            files.add(runFolder.resolve(FILE));
        }
        try (Stream<Path> entries = Files.list(runFolder)) {
            entries.filter(Files::isDirectory)
                    .sorted()
                    .map(d -> d.resolve(FILE))
                    .filter(Files::isRegularFile)
                    .forEach(files::add);
        }
        return files;
    }

    /**
     * Opens (or creates) {@code file}.
     *
     * @throws IllegalArgumentException when the file exists but is not a readable statistics file
     */
    public static FileStatsStorage open(Path file) {
        try {
            return new FileStatsStorage(file.toFile());
        } catch (RuntimeException | Error e) { // MapDB's DBException and friends, an AssertionError on a bad header
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            throw new IllegalArgumentException(
                    file + " is not a readable training statistics file (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage().strip().replaceAll("\\s+", " "))
                            + "); it is written by a run with --ui: train again with --ui",
                    e);
        }
    }
}

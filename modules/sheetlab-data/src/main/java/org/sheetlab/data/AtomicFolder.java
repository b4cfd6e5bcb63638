package org.sheetlab.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a dataset folder atomically: the content goes into a hidden temporary sibling folder
 * ({@code .<name>.tmp-*}), which is renamed to the target in one step when complete, so a killed writer never leaves
 * a half-written folder that would later be read as a smaller dataset. Used by the image-folder and VOC writers.
 */
public final class AtomicFolder {
    private AtomicFolder() {}

    /** Fills the temporary folder. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path tmp) throws IOException;
    }

    /**
     * Writes {@code root} through {@code filler}.
     *
     * @param what what is written, for the messages (e.g. "the images")
     * @return root
     * @throws DatasetException if root exists (delete it, or write elsewhere) or a file cannot be written; an
     *     {@link IllegalArgumentException} from the filler passes through unchanged. Either way the temporary folder
     *     is deleted.
     */
    public static Path write(Path root, String what, Filler filler) {
        if (Files.exists(root)) {
            throw new DatasetException(root + " already exists; delete it or write " + what + " elsewhere");
        }
        Path parent = root.toAbsolutePath().getParent();
        Path tmp;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + root.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new DatasetException("cannot create " + root + ": " + e.getMessage(), e);
        }
        try {
            filler.fill(tmp);
            try {
                Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, root);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new DatasetException("cannot write " + root + ": " + e.getMessage(), e);
        }
        return root;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary folder is harmless
        }
    }
}

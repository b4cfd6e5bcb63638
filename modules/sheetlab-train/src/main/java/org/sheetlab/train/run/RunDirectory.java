package org.sheetlab.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A run's output folder; all writes are atomic (temp file in the same folder, then move). */
public final class RunDirectory {
    /** The shared JSON mapper (indented output). */
    public static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();

    /** The run folder as a setting in messages: "run folder" for a library caller, its option for a CLI. */
    private static final String FOLDER = "{outputDir|run folder}";

    private final Path root;

    public RunDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new RunFolderException(
                    this.root,
                    "cannot create the run folder %s: %s; choose a writable " + FOLDER,
                    e,
                    this.root,
                    reason(e, this.root));
        }
        if (!Files.isWritable(this.root)) {
            throw new RunFolderException(
                    this.root,
                    "cannot write to the run folder %s: permission denied; choose a writable " + FOLDER,
                    null,
                    this.root);
        }
    }

    public Path root() {
        return root;
    }

    public Path resolve(String name) {
        return root.resolve(name);
    }

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Something that writes a whole file at a path. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path file) throws IOException;
    }

    /** Writes {@code name} atomically through a stream. */
    public Path write(String name, Writer writer) {
        return writeFile(name, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
        });
    }

    /** Writes {@code name} atomically through a writer that needs a file path (ModelSerializer, ImageIO). */
    public Path writeFile(String name, FileWriter writer) {
        Path target = resolve(name);
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            writer.write(tmp);
            makeReadable(tmp);
            moveAtomically(tmp, target);
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw writeFailure(target, tmp, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray .tmp file is harmless
                }
            }
        }
    }

    /** The name the trainer gives its checkpoint; a failed write names it when it is there to resume from. */
    static final String CHECKPOINT = "checkpoint.zip";

    /** One line: which file, why, how much space it needed, and what is still intact. */
    private RunFolderException writeFailure(Path target, Path tmp, Exception e) {
        long reached = -1;
        try {
            if (tmp != null && Files.exists(tmp)) {
                reached = Files.size(tmp);
            }
        } catch (IOException ignored) {
            // the size is only for the message
        }
        Path checkpoint = root.resolve(CHECKPOINT);
        boolean resumable = Files.isRegularFile(checkpoint);
        String intact = resumable
                ? "the last good checkpoint %s is intact: {resume} from it with " + FOLDER + " %s"
                : "no checkpoint was written yet, so start again (in another " + FOLDER + " or after removing %s)";
        Object[] intactArgs = resumable ? new Object[] {checkpoint, root} : new Object[] {root};
        if (isNoSpace(e)) {
            String store = "the file system";
            long free = -1;
            try {
                java.nio.file.FileStore fs = Files.getFileStore(root);
                store = "the file system of " + root + " (" + fs.name() + ")";
                free = fs.getUsableSpace();
            } catch (IOException ignored) {
                // the store is only for the message
            }
            return new RunFolderException(
                    root,
                    "cannot write %s: no space left on %s: it needed more than the %s written%s; free some space; "
                            + intact,
                    e,
                    concat(
                            new Object[] {target, store, bytes(reached), free >= 0 ? " (" + bytes(free) + " free)" : ""
                            },
                            intactArgs));
        }
        return new RunFolderException(
                root,
                "cannot write %s: %s; check the " + FOLDER + " (permissions, space); " + intact,
                e,
                concat(new Object[] {target, reason(e, target)}, intactArgs));
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    private static String bytes(long n) {
        if (n < 0) {
            return "an unknown size";
        }
        return n < 1024 ? n + " bytes" : String.format(java.util.Locale.ROOT, "%,d KiB", (n + 1023) / 1024);
    }

    /** A human reason for an I/O failure; Java's messages are often just the path. */
    static String reason(Throwable e, Path subject) {
        Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (cause instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (cause instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a folder";
        }
        if (cause instanceof java.nio.file.NoSuchFileException f) {
            return f.getFile() + " does not exist";
        }
        if (cause instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            boolean named = f.getFile() == null || f.getFile().equals(subject.toString());
            return (named ? "" : f.getFile() + ": ") + f.getReason();
        }
        String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m.replaceAll("\\s*\\R\\s*", " ");
    }

    /** Writes a UTF-8 text file atomically. */
    public Path writeText(String name, String text) {
        return write(name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes an object as indented JSON atomically. */
    public Path writeJson(String name, Object value) {
        return write(name, out -> JSON.writeValue(new NonClosing(out), value));
    }

    /** Temp files are created owner-only; results should be as readable as any file the user writes. */
    private static void makeReadable(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Jackson closes the stream it writes to; the caller's try-with-resources does that instead. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

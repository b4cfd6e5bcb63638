package org.sheetlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What sheetlab knows about one dataset: its name, its files with their SHA-256 checksums, the command that installs
 * it and where it is looked for.
 *
 * <p>The checksums come from the dataset's one checksum file, {@code datasets/<name>/checksums.sha256} (the
 * {@code sha256sum} format, {@code <hex>  <file>}), which the build packages into the jar next to the fetch script;
 * the file list is that file's names, in order. No checksum is written twice.
 *
 * <p>Search path: {@code --data-dir} when given (then only that directory), else {@code $SHEETLAB_DATA/<name>}
 * ({@code $SHEETLAB_DATA} defaults to {@code ~/.sheetlab/datasets}, where the fetch scripts download without apt),
 * then the Debian install location. A file counts as present plain or gzip-compressed ({@code <file>.gz}).
 *
 * <p>When the data is in none of these places, {@link #locateOrFetch(Path)} runs the fetch script ({@code
 * datasets/<name>/fetch.sh [data-dir]}, from the working tree or else from the jar) and looks again; if it is still
 * missing the error is the one line {@code "<name> data not found in <places>. Install it with: <fetch command>"}.
 * With the system property {@value #NO_FETCH_PROPERTY} = {@code true} (the build sets it for every unit test, which
 * must never download or call apt) it runs no script and gives that error at once.
 */
public final class DatasetDescriptor {
    private static final Logger log = LoggerFactory.getLogger(DatasetDescriptor.class);
    /** The environment variable that names the root of sheetlab's own dataset folders. */
    public static final String DATA_ENV = "SHEETLAB_DATA";
    /** The jar folder holding {@code <name>/checksums.sha256} and {@code <name>/fetch.sh}. */
    static final String RESOURCE_ROOT = "/org/sheetlab/data/datasets/";

    /** Installs a dataset into a data directory (null: its default places); throws {@link DatasetException}. */
    @FunctionalInterface
    interface Fetcher {
        void fetch(Path dataDirOrNull);
    }

    private final String name;
    private final Map<String, String> checksums;
    private final Path installDir;

    private DatasetDescriptor(String name, Map<String, String> checksums, Path installDir) {
        if (checksums.isEmpty()) {
            throw new IllegalArgumentException("dataset " + name + ": the checksum file lists no files");
        }
        this.name = name;
        this.checksums = Collections.unmodifiableMap(checksums);
        this.installDir = installDir;
    }

    /**
     * The descriptor of dataset {@code name}, its checksums read from the packaged {@code
     * datasets/<name>/checksums.sha256}.
     *
     * @param installDir the folder a system package installs the files into (Debian's location)
     */
    public static DatasetDescriptor of(String name, Path installDir) {
        String resource = RESOURCE_ROOT + name + "/checksums.sha256";
        try (InputStream in = DatasetDescriptor.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the sheetlab-data jar lacks " + resource + " (built without "
                        + "datasets/" + name + "/checksums.sha256?)");
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), installDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /** A descriptor from the text of a checksum file ({@code <64 hex>  <file>} per line; blank and # lines skipped). */
    public static DatasetDescriptor parse(String name, String checksumFile, Path installDir) {
        Map<String, String> sums = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : checksumFile.split("\\R")) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+", 2);
            if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("dataset " + name + ": checksum file line " + lineNo + " is not "
                        + "'<sha256>  <file>': " + line);
            }
            String file = parts[1].startsWith("*") ? parts[1].substring(1) : parts[1];
            sums.put(file, parts[0].toLowerCase(java.util.Locale.ROOT));
        }
        return new DatasetDescriptor(name, sums, installDir);
    }

    /** The dataset's name, also its folder under {@code datasets/} and under {@code $SHEETLAB_DATA}. */
    public String name() {
        return name;
    }

    /** The dataset's files (names inside a data directory), in the checksum file's order. */
    public List<String> files() {
        return List.copyOf(checksums.keySet());
    }

    /** The expected SHA-256 (lower-case hex) of {@code file}'s content (decompressed for .gz copies). */
    public String sha256(String file) {
        String sum = checksums.get(file);
        if (sum == null) {
            throw new IllegalArgumentException("dataset " + name + " has no file " + file + "; its files: " + files());
        }
        return sum;
    }

    /** The command that installs the dataset, relative to the repository root: {@code datasets/<name>/fetch.sh}. */
    public String fetchCommand() {
        return "datasets/" + name + "/fetch.sh";
    }

    /** Where a system package (Debian) installs the files. */
    public Path installDir() {
        return installDir;
    }

    /** The directories searched, in order, for the given {@code --data-dir} (null when not given). */
    public List<Path> searchPath(Path dataDirOrNull) {
        return searchPath(dataDirOrNull, System::getenv);
    }

    List<Path> searchPath(Path dataDirOrNull, Function<String, String> env) {
        if (dataDirOrNull != null) {
            return List.of(dataDirOrNull);
        }
        String root = env.apply(DATA_ENV);
        Path user = root != null && !root.isBlank()
                ? Paths.get(root, name)
                : Paths.get(System.getProperty("user.home"), ".sheetlab", "datasets", name);
        return user.equals(installDir) ? List.of(user) : List.of(user, installDir);
    }

    /** True when every file is in {@code dir}, plain or as {@code <file>.gz}. */
    public boolean isComplete(Path dir) {
        return files().stream().allMatch(f -> find(dir, f).isPresent());
    }

    /** {@code dir/<file>.gz} if present, else {@code dir/<file>} if present. */
    public static Optional<Path> find(Path dir, String file) {
        for (String candidate : List.of(file + ".gz", file)) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The first directory of the search path that holds every file, if any; fetches nothing. */
    public Optional<Path> locate(Path dataDirOrNull) {
        return locate(searchPath(dataDirOrNull));
    }

    private Optional<Path> locate(List<Path> searched) {
        return searched.stream().filter(this::isComplete).findFirst();
    }

    /** The one-line error for data missing from {@code searched}, naming the places and the fetch command. */
    public DatasetException notFound(List<Path> searched) {
        return new DatasetException(name + " data not found in "
                + searched.stream().map(Path::toString).collect(Collectors.joining(", ")) + ". Install it with: "
                + fetchCommand());
    }

    /**
     * Set to {@code true} (the Maven build does so for the unit tests; scripts/test installs the datasets first), it
     * turns fetching off: {@link #locateOrFetch(Path)} reports missing data with the install command instead of
     * running the fetch script.
     */
    public static final String NO_FETCH_PROPERTY = "sheetlab.test.noFetch";

    /** The directory holding the data: located on the search path, else fetched (see the class comment). */
    public Path locateOrFetch(Path dataDirOrNull) {
        return locateOrFetch(dataDirOrNull, System::getenv, fetcher());
    }

    /** The fetch script, or with {@value #NO_FETCH_PROPERTY} set a fetcher that refuses (and so runs nothing). */
    Fetcher fetcher() {
        if (Boolean.getBoolean(NO_FETCH_PROPERTY)) {
            return dir -> {
                throw new DatasetException("not fetching " + name + ": fetching is off (-D" + NO_FETCH_PROPERTY
                        + "=true, as in the unit tests)");
            };
        }
        return this::fetch;
    }

    Path locateOrFetch(Path dataDirOrNull, Function<String, String> env, Fetcher fetcher) {
        List<Path> searched = searchPath(dataDirOrNull, env);
        Optional<Path> found = locate(searched);
        if (found.isPresent()) {
            return found.get();
        }
        log.info("{} data not found in {}; running {}", name, searched, fetchCommand());
        try {
            fetcher.fetch(dataDirOrNull);
        } catch (DatasetException e) {
            log.warn("{}", e.getMessage());
            throw notFound(searched);
        }
        return locate(searched).orElseThrow(() -> notFound(searched));
    }

    /**
     * Runs {@code datasets/<name>/fetch.sh [data-dir]} with inherited output: the working tree's copy when run from a
     * checkout, else the copy packaged in the jar (extracted with its checksum file into a temporary folder).
     *
     * @throws DatasetException if the script cannot be run or exits with a non-zero status
     */
    public void fetch(Path dataDirOrNull) {
        Path script = Paths.get(fetchCommand());
        Path temporary = null;
        try {
            if (!Files.isRegularFile(script)) {
                temporary = Files.createTempDirectory("sheetlab-fetch-" + name);
                for (String f : List.of("fetch.sh", "checksums.sha256")) {
                    try (InputStream in = DatasetDescriptor.class.getResourceAsStream(RESOURCE_ROOT + name + "/" + f)) {
                        if (in == null) {
                            throw new DatasetException(fetchCommand() + " is neither in the working directory nor "
                                    + "packaged in the jar");
                        }
                        Files.copy(in, temporary.resolve(f));
                    }
                }
                script = temporary.resolve("fetch.sh");
            }
            List<String> command = new ArrayList<>(List.of("bash", script.toString()));
            if (dataDirOrNull != null) {
                command.add(dataDirOrNull.toAbsolutePath().toString());
            }
            int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new DatasetException("fetching " + name + " failed (" + fetchCommand() + " exited with " + rc
                        + "; see its output above)");
            }
        } catch (IOException e) {
            throw new DatasetException("cannot run " + fetchCommand() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while fetching " + name, e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }

    @Override
    public String toString() {
        return "DatasetDescriptor[" + name + ", files " + files() + ", install dir " + installDir + "]";
    }
}

package org.sheetlab.data.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.sheetlab.data.DatasetDescriptor;
import org.sheetlab.data.DatasetException;

/**
 * The English text corpus of datasets/text-corpus (sheet: "TF-IDF &amp; Cosine Similarity", "Word2Vec Skip-Gram",
 * "Embedding Analogy"): a folder holding {@code documents.txt} (one document per line, lower-case tokens separated by
 * single spaces, see {@link CorpusTokenizer}), {@code vocabulary.txt} ({@code word count} lines), a {@code manifest}
 * with the counts and the documents' SHA-256, and usually {@code questions-words.txt} (the analogy set, read with
 * {@link AnalogyQuestions#read}). Built by {@value #FETCH_COMMAND} from Debian packages (GCIDE, WordNet glosses, ...).
 *
 * <p>Nothing here reads the whole corpus into memory: {@link #documents()} and {@link #tokens()} stream the file
 * line by line; close the streams (try-with-resources).
 *
 * <pre>{@code
 * TextCorpus corpus = TextCorpus.locate(null);              // $SHEETLAB_DATA/text-corpus or ~/.sheetlab/datasets/...
 * try (Stream<String> docs = corpus.documents()) { ... }    // "a word of one syllable ..." per document
 * long n = corpus.tokenCount();                             // from the manifest
 * }</pre>
 */
public final class TextCorpus {
    /** The dataset's name: its folder under {@code datasets/} and under {@code $SHEETLAB_DATA}. */
    public static final String NAME = "text-corpus";
    /** The script that installs the Debian packages and builds the corpus. */
    public static final String FETCH_COMMAND = "datasets/text-corpus/fetch.sh";
    public static final String DOCUMENTS = CorpusWriter.DOCUMENTS;
    public static final String VOCABULARY = CorpusWriter.VOCABULARY;
    public static final String MANIFEST = CorpusWriter.MANIFEST;
    /** The analogy questions that fetch.sh writes next to the documents (Google's questions-words.txt format). */
    public static final String QUESTIONS = "questions-words.txt";

    private final Path dir;
    private final Map<String, String> manifest;

    private TextCorpus(Path dir, Map<String, String> manifest) {
        this.dir = dir;
        this.manifest = Collections.unmodifiableMap(manifest);
    }

    /**
     * The folders searched, in order: with a {@code --data-dir}, that folder and its {@code text-corpus} subfolder;
     * without, {@code $SHEETLAB_DATA/text-corpus} ({@code $SHEETLAB_DATA} defaulting to {@code ~/.sheetlab/datasets},
     * as for the other datasets).
     */
    public static List<Path> searchPath(Path dataDirOrNull) {
        if (dataDirOrNull != null) {
            return List.of(dataDirOrNull, dataDirOrNull.resolve(NAME));
        }
        String root = System.getenv(DatasetDescriptor.DATA_ENV);
        return List.of(root != null && !root.isBlank()
                ? Paths.get(root, NAME)
                : Paths.get(System.getProperty("user.home"), ".sheetlab", "datasets", NAME));
    }

    /** True when {@code dir} holds a finished corpus (its manifest and documents). */
    public static boolean isCorpus(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST)) && Files.isRegularFile(dir.resolve(DOCUMENTS));
    }

    /**
     * The corpus in the first folder of {@link #searchPath} that holds one; never builds it.
     *
     * @throws DatasetException naming the folders searched and {@value #FETCH_COMMAND} when there is none
     */
    public static TextCorpus locate(Path dataDirOrNull) {
        List<Path> searched = searchPath(dataDirOrNull);
        return searched.stream().filter(TextCorpus::isCorpus).findFirst().map(TextCorpus::open)
                .orElseThrow(() -> notFound(searched, dataDirOrNull));
    }

    /**
     * {@link #locate}, and when the corpus is missing runs {@value #FETCH_COMMAND} (installs Debian packages as root,
     * then builds the corpus, a minute or so) and looks again. With {@code -D}{@value
     * DatasetDescriptor#NO_FETCH_PROPERTY}{@code =true} (the unit tests) it runs nothing and throws {@link #locate}'s
     * error.
     */
    public static TextCorpus locateOrFetch(Path dataDirOrNull) {
        List<Path> searched = searchPath(dataDirOrNull);
        if (searched.stream().anyMatch(TextCorpus::isCorpus) || Boolean.getBoolean(DatasetDescriptor.NO_FETCH_PROPERTY)) {
            return locate(dataDirOrNull);
        }
        Path script = Paths.get(FETCH_COMMAND);
        if (!Files.isRegularFile(script)) {
            throw new DatasetException(notFound(searched, dataDirOrNull).getMessage() + " (run it from a sheetlab "
                    + "checkout: " + script.toAbsolutePath() + " is not here)");
        }
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        if (dataDirOrNull != null) {
            command.add(dataDirOrNull.toAbsolutePath().toString());
        }
        try {
            int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new DatasetException("building the text corpus failed (" + FETCH_COMMAND + " exited with " + rc
                        + "; see its output above)");
            }
        } catch (IOException e) {
            throw new DatasetException("cannot run " + FETCH_COMMAND + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while building the text corpus", e);
        }
        return locate(dataDirOrNull);
    }

    private static DatasetException notFound(List<Path> searched, Path dataDirOrNull) {
        return new DatasetException("text corpus not found in "
                + searched.stream().map(Path::toString).collect(Collectors.joining(", "))
                + " (no " + MANIFEST + " and " + DOCUMENTS + "). Build it with: " + FETCH_COMMAND
                + (dataDirOrNull == null ? "" : " " + dataDirOrNull));
    }

    /**
     * The corpus in {@code dir}: reads its manifest and checks that {@code documents.txt} has the size the manifest
     * records (a cheap check for a truncated file; {@link #verify()} checks the SHA-256).
     */
    public static TextCorpus open(Path dir) {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m) || !Files.isRegularFile(dir.resolve(DOCUMENTS))) {
            throw new DatasetException("no text corpus in " + dir + " (needs " + MANIFEST + " and " + DOCUMENTS
                    + "). Build it with: " + FETCH_COMMAND);
        }
        Map<String, String> map = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(m, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + m + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.indexOf(' ');
            if (sp <= 0) {
                throw new DatasetException(m + " line " + (i + 1) + " is not 'key value': '" + line
                        + "'. Rebuild with: " + FETCH_COMMAND);
            }
            map.put(line.substring(0, sp), line.substring(sp + 1));
        }
        TextCorpus corpus = new TextCorpus(dir, map);
        if (!CorpusWriter.FORMAT.equals(map.get("format"))) {
            throw new DatasetException(m + " has format '" + map.get("format") + "', expected '" + CorpusWriter.FORMAT
                    + "'. Rebuild with: " + FETCH_COMMAND);
        }
        for (String key : List.of("documents", "tokens", "vocabulary", "bytes", "sha256")) {
            if (!map.containsKey(key)) {
                throw new DatasetException(m + " lacks the '" + key + "' line. Rebuild with: " + FETCH_COMMAND);
            }
        }
        long size;
        try {
            size = Files.size(corpus.path());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + corpus.path() + ": " + e.getMessage(), e);
        }
        if (size != corpus.byteCount()) {
            throw new DatasetException(corpus.path() + " has " + size + " bytes, its manifest says "
                    + corpus.byteCount() + " (truncated or changed). Rebuild with: " + FETCH_COMMAND);
        }
        return corpus;
    }

    /**
     * Writes a corpus into {@code dir} from raw texts, one document each (tokenized by {@link CorpusTokenizer};
     * texts without a token are skipped), and opens it: small corpora for tests and examples.
     */
    public static TextCorpus write(Path dir, Iterable<String> texts) {
        try (CorpusWriter w = new CorpusWriter(dir)) {
            for (String t : texts) {
                w.add("text", t);
            }
            w.finish();
        } catch (IOException e) {
            throw new DatasetException("cannot write a text corpus into " + dir + ": " + e.getMessage(), e);
        }
        return open(dir);
    }

    /** The corpus folder. */
    public Path dir() {
        return dir;
    }

    /** {@code documents.txt}: one document per line, tokens separated by single spaces (the word2vec C tool's input). */
    public Path path() {
        return dir.resolve(DOCUMENTS);
    }

    /** {@code vocabulary.txt}: {@code word count} per line, count descending then word ascending. */
    public Path vocabularyPath() {
        return dir.resolve(VOCABULARY);
    }

    /** {@code questions-words.txt} next to the documents, when fetch.sh wrote it. */
    public Optional<Path> questionsPath() {
        Path q = dir.resolve(QUESTIONS);
        return Files.isRegularFile(q) ? Optional.of(q) : Optional.empty();
    }

    /** The manifest's {@code key value} lines (counts, sha256, per-source counts, package versions), in file order. */
    public Map<String, String> manifest() {
        return manifest;
    }

    public long documentCount() {
        return number("documents");
    }

    public long tokenCount() {
        return number("tokens");
    }

    /** The number of distinct tokens. */
    public long vocabularySize() {
        return number("vocabulary");
    }

    /** The size of {@code documents.txt} in bytes. */
    public long byteCount() {
        return number("bytes");
    }

    /** The SHA-256 of {@code documents.txt}, lower-case hex, as the manifest records it. */
    public String sha256() {
        return manifest.get("sha256");
    }

    private long number(String key) {
        try {
            return Long.parseLong(manifest.get(key));
        } catch (NumberFormatException e) {
            throw new DatasetException(dir.resolve(MANIFEST) + ": '" + key + "' is '" + manifest.get(key)
                    + "', not a number. Rebuild with: " + FETCH_COMMAND);
        }
    }

    /** The documents, one line each, read lazily from the file; close the stream. */
    public Stream<String> documents() {
        try {
            BufferedReader r = Files.newBufferedReader(path(), StandardCharsets.UTF_8);
            return r.lines().onClose(() -> {
                try {
                    r.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new DatasetException("cannot read " + path() + ": " + e.getMessage(), e);
        }
    }

    /** Each document's tokens, read lazily; close the stream. */
    public Stream<String[]> documentTokens() {
        return documents().map(d -> d.split(" "));
    }

    /** All tokens of all documents in order, read lazily; close the stream. */
    public Stream<String> tokens() {
        return documentTokens().flatMap(Arrays::stream);
    }

    /** Each distinct token and its count, from {@code vocabulary.txt}, most frequent first. */
    public Map<String, Long> wordCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        Path v = vocabularyPath();
        try (BufferedReader r = Files.newBufferedReader(v, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                int sp = line.indexOf(' ');
                try {
                    counts.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
                } catch (RuntimeException e) {
                    throw new DatasetException(v + " line " + lineNo + " is not 'word count': '" + line
                            + "'. Rebuild with: " + FETCH_COMMAND);
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + v + " (" + e.getMessage() + "). Rebuild with: "
                    + FETCH_COMMAND, e);
        }
        return counts;
    }

    /** Recomputes the documents' SHA-256 (streamed) and compares it with the manifest's; returns this. */
    public TextCorpus verify() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(path())) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + path() + ": " + e.getMessage(), e);
        }
        String actual = CorpusWriter.hex(sha.digest());
        if (!actual.equals(sha256())) {
            throw new DatasetException(path() + " has SHA-256 " + actual + ", its manifest says " + sha256()
                    + ". Rebuild with: " + FETCH_COMMAND);
        }
        return this;
    }

    @Override
    public String toString() {
        return "TextCorpus[" + dir + ": " + documentCount() + " documents, " + tokenCount() + " tokens, "
                + vocabularySize() + " words]";
    }
}

package org.sheetlab.data.text;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a text corpus folder (datasets/text-corpus's format, read by {@link TextCorpus}): {@value #DOCUMENTS}, one
 * document per line as {@link CorpusTokenizer#normalize normalised} tokens (documents with no token are skipped, so
 * no line is empty; each line ends in {@code \n}); {@value #VOCABULARY}, one {@code word count} line per distinct
 * token, by count descending then word ascending (the format of the word2vec C tool's {@code -save-vocab}, without its
 * {@code </s>} entry); and {@value #MANIFEST}, {@code key value} lines with the counts, the documents file's size and
 * SHA-256, per-source counts and any {@link #note notes} (package versions). Nothing in it depends on the time or the
 * machine, so the same input gives the same bytes. Files are written under temporary names and moved into place, the
 * manifest last: a folder with a manifest is complete.
 *
 * <p>JDK-only, so {@code datasets/text-corpus/fetch.sh} can compile it with {@code javac} before the Maven build.
 */
public final class CorpusWriter implements Closeable {
    public static final String DOCUMENTS = "documents.txt";
    public static final String VOCABULARY = "vocabulary.txt";
    public static final String MANIFEST = "manifest";
    /** The manifest's format version (its {@code format} line). */
    public static final String FORMAT = "sheetlab-text-corpus 1";

    /** The counts of a finished corpus. */
    public record Summary(long documents, long tokens, long vocabulary, long bytes, String sha256) {}

    private final Path dir;
    private final Path tmpDocuments;
    private final DigestOutputStream digest;
    private final OutputStream out;
    private final Map<String, long[]> counts = new HashMap<>();
    private final Map<String, long[]> perSource = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private long documents;
    private long tokens;
    private long bytes;
    private boolean finished;

    /** Starts a corpus in {@code dir} (created if missing); existing corpus files are replaced on {@link #finish}. */
    public CorpusWriter(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(MANIFEST)); // an interrupted rebuild must not look complete
        this.tmpDocuments = Files.createTempFile(dir, DOCUMENTS, ".tmp");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        this.digest = new DigestOutputStream(Files.newOutputStream(tmpDocuments), sha);
        this.out = new BufferedOutputStream(digest, 1 << 16);
    }

    /**
     * Tokenizes {@code text} and appends it as one document, counted under {@code source}; returns false (and writes
     * nothing) when it has no token.
     */
    public boolean add(String source, String text) throws IOException {
        String doc = CorpusTokenizer.normalize(text);
        if (doc.isEmpty()) {
            return false;
        }
        long n = 0;
        int start = 0;
        for (int i = 0; i <= doc.length(); i++) {
            if (i == doc.length() || doc.charAt(i) == ' ') {
                counts.computeIfAbsent(doc.substring(start, i), k -> new long[1])[0]++;
                n++;
                start = i + 1;
            }
        }
        byte[] b = doc.getBytes(StandardCharsets.US_ASCII);
        out.write(b);
        out.write('\n');
        bytes += b.length + 1;
        documents++;
        tokens += n;
        long[] s = perSource.computeIfAbsent(source, k -> new long[2]);
        s[0]++;
        s[1] += n;
        return true;
    }

    /** An extra manifest line {@code key value} (e.g. {@code package.dict-gcide 0.48.5+nmu4}); keys without spaces. */
    public void note(String key, String value) {
        if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace) || value.contains("\n")) {
            throw new IllegalArgumentException("a manifest key has no whitespace and a value no newline: '" + key
                    + "' '" + value + "'");
        }
        notes.put(key, value);
    }

    /** The number of times each token occurred so far (live view; do not modify). */
    public Map<String, long[]> counts() {
        return counts;
    }

    /** Closes the documents, writes the vocabulary and the manifest, and moves them into place. */
    public Summary finish() throws IOException {
        out.close();
        finished = true;
        String sha = hex(digest.getMessageDigest().digest());
        Files.move(tmpDocuments, dir.resolve(DOCUMENTS), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        List<Map.Entry<String, long[]>> vocab = new ArrayList<>(counts.entrySet());
        vocab.sort((a, b) -> a.getValue()[0] != b.getValue()[0]
                ? Long.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
        Path tmpVocab = Files.createTempFile(dir, VOCABULARY, ".tmp");
        try (OutputStream v = new BufferedOutputStream(Files.newOutputStream(tmpVocab), 1 << 16)) {
            for (Map.Entry<String, long[]> e : vocab) {
                v.write((e.getKey() + " " + e.getValue()[0] + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        Files.move(tmpVocab, dir.resolve(VOCABULARY), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        Summary summary = new Summary(documents, tokens, counts.size(), bytes, sha);
        StringBuilder m = new StringBuilder();
        m.append("# sheetlab text corpus: ").append(DOCUMENTS)
                .append(" holds one document per line, tokens by org.sheetlab.data.text.CorpusTokenizer\n");
        m.append("format ").append(FORMAT).append('\n');
        m.append("documents ").append(documents).append('\n');
        m.append("tokens ").append(tokens).append('\n');
        m.append("vocabulary ").append(counts.size()).append('\n');
        m.append("bytes ").append(bytes).append('\n');
        m.append("sha256 ").append(sha).append('\n');
        for (Map.Entry<String, long[]> e : perSource.entrySet()) {
            m.append("source.").append(e.getKey()).append(".documents ").append(e.getValue()[0]).append('\n');
            m.append("source.").append(e.getKey()).append(".tokens ").append(e.getValue()[1]).append('\n');
        }
        for (Map.Entry<String, String> e : notes.entrySet()) {
            m.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        Path tmpManifest = Files.createTempFile(dir, MANIFEST, ".tmp");
        Files.writeString(tmpManifest, m, StandardCharsets.UTF_8);
        Files.move(tmpManifest, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        return summary;
    }

    /** Abandons an unfinished corpus: its temporary file is deleted. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            out.close();
            Files.deleteIfExists(tmpDocuments);
            finished = true;
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        }
        return sb.toString();
    }
}

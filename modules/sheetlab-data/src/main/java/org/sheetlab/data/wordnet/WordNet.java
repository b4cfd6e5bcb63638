package org.sheetlab.data.wordnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.sheetlab.data.Checksums;
import org.sheetlab.data.DatasetDescriptor;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.text.Vocabulary;

/**
 * WordNet 3.0's database files {@code data.noun}, {@code data.verb}, {@code data.adj} and {@code data.adv} (Debian
 * package wordnet-base, {@code /usr/share/wordnet}; licence: the WordNet 3.0 licence, permissive with attribution; see
 * datasets/wordnet/README.md). Each synset line ends in {@code | gloss}, its definition and examples in English; the
 * lemmas are the synset's words.
 *
 * <ul>
 *   <li>{@link #glosses()}: every gloss, normalised ({@link #normalize}: lower case, the characters of
 *       {@link #ALPHABET}, single spaces), in file order (noun, verb, adj, adv);</li>
 *   <li>{@link #words(int, int)}: distinct lemmas of letters a–z only, in first-seen order;</li>
 *   <li>{@link #writeCorpus(Path, int)}: the glosses as a training file and a held-out file (every k-th gloss), one
 *       per line, written atomically, for {@code TextWindowDataSource}.</li>
 * </ul>
 */
public final class WordNet {
    /** Where Debian installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/wordnet");

    public static final DatasetDescriptor DESCRIPTOR = DatasetDescriptor.of("wordnet", DEBIAN_DIR);
    public static final String FETCH_COMMAND = "datasets/wordnet/fetch.sh";

    /** The characters a normalised gloss may hold (besides the newline that ends it). */
    public static final String ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789.,;:'\"()-!?/";

    /**
     * The character-level language models' vocabulary for the glosses (V = 50): id 0 is the newline that ends each
     * gloss, then {@link #ALPHABET} in order.
     */
    public static final Vocabulary GLOSS_VOCABULARY = Vocabulary.of("\n" + ALPHABET);

    private final List<String> glosses;
    private final List<String> lemmas;

    private WordNet(List<String> glosses, List<String> lemmas) {
        this.glosses = List.copyOf(glosses);
        this.lemmas = List.copyOf(lemmas);
    }

    /**
     * The experiments' entry point: the files from {@code dataDirOrNull} (their {@code --data-dir}; null:
     * {@code $SHEETLAB_DATA/wordnet}, then {@link #DEBIAN_DIR}), installed with {@link #FETCH_COMMAND} when missing,
     * each checked against its SHA-256.
     */
    public static WordNet loadOrFetch(Path dataDirOrNull) {
        return load(DESCRIPTOR.locateOrFetch(dataDirOrNull), true);
    }

    /** Parses the four data files in {@code dir}; {@code verify}: check each against the packaged SHA-256 first. */
    public static WordNet load(Path dir, boolean verify) {
        List<String> glosses = new ArrayList<>();
        Set<String> lemmas = new LinkedHashSet<>();
        for (String file : DESCRIPTOR.files()) {
            Path p = dir.resolve(file);
            if (!Files.isRegularFile(p)) {
                throw new DatasetException("WordNet file " + p + " not found. Install it with: " + FETCH_COMMAND);
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(p);
            } catch (IOException e) {
                throw new DatasetException("cannot read " + p + ": " + e.getMessage(), e);
            }
            if (verify) {
                String actual = Checksums.sha256(bytes);
                if (!actual.equals(DESCRIPTOR.sha256(file))) {
                    throw new DatasetException("WordNet file " + p + " is corrupt: SHA-256 " + actual + ", expected "
                            + DESCRIPTOR.sha256(file) + ". Reinstall with: " + FETCH_COMMAND);
                }
            }
            int lineNo = 0;
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                lineNo++;
                if (line.isBlank() || line.startsWith("  ")) { // the licence header lines start with two spaces
                    continue;
                }
                parseLine(p, lineNo, line, glosses, lemmas);
            }
        }
        if (glosses.isEmpty()) {
            throw new DatasetException("no synsets found in " + dir + "; is it WordNet 3.0's dict folder? Reinstall "
                    + "with: " + FETCH_COMMAND);
        }
        return new WordNet(glosses, new ArrayList<>(lemmas));
    }

    /** offset lex_filenum ss_type w_cnt(hex) [word lex_id]×w_cnt … | gloss */
    private static void parseLine(Path file, int lineNo, String line, List<String> glosses, Set<String> lemmas) {
        int bar = line.indexOf(" | ");
        String[] f = (bar < 0 ? line : line.substring(0, bar)).trim().split(" ");
        if (bar < 0 || f.length < 4) {
            throw new DatasetException(file + " line " + lineNo + ": not a WordNet synset line (no ' | gloss' or too "
                    + "few fields): '" + abbreviate(line) + "'. Reinstall with: " + FETCH_COMMAND);
        }
        int count;
        try {
            count = Integer.parseInt(f[3], 16);
        } catch (NumberFormatException e) {
            throw new DatasetException(
                    file + " line " + lineNo + ": word count '" + f[3] + "' is not hexadecimal. " + "Reinstall with: "
                            + FETCH_COMMAND,
                    e);
        }
        for (int i = 0; i < count && 4 + 2 * i < f.length; i++) {
            String w = f[4 + 2 * i].toLowerCase(Locale.ROOT);
            int paren = w.indexOf('(');
            if (paren > 0) { // adjective markers such as "(a)"
                w = w.substring(0, paren);
            }
            if (!w.isEmpty() && w.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
                lemmas.add(w);
            }
        }
        String g = normalize(line.substring(bar + 3));
        if (!g.isEmpty()) {
            glosses.add(g);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** Lower case; characters outside {@link #ALPHABET} dropped (tabs and newlines become spaces); spaces single. */
    public static String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean space = true;
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isWhitespace(c)) {
                if (!space) {
                    sb.append(' ');
                    space = true;
                }
            } else if (ALPHABET.indexOf(c) >= 0) {
                sb.append(c);
                space = false;
            }
        }
        int n = sb.length();
        while (n > 0 && sb.charAt(n - 1) == ' ') {
            n--;
        }
        return sb.substring(0, n);
    }

    public List<String> glosses() {
        return glosses;
    }

    /** Distinct lemmas of letters only, of length minLength … maxLength, in first-seen order. */
    public List<String> words(int minLength, int maxLength) {
        return lemmas.stream()
                .filter(w -> w.length() >= minLength && w.length() <= maxLength)
                .toList();
    }

    /** The corpus files and their sizes in characters. */
    public record Corpus(Path train, Path heldOut, long trainChars, long heldOutChars, int heldOutEvery) {}

    /**
     * Writes the glosses, one per line, to {@code dir/train.txt} and every {@code heldOutEvery}-th gloss (the
     * 0-based index i with i % k == k − 1) to {@code dir/heldout.txt} instead; each file is written to a temporary
     * name and moved into place.
     */
    public Corpus writeCorpus(Path dir, int heldOutEvery) {
        if (heldOutEvery < 2) {
            throw new IllegalArgumentException("heldOutEvery must be >= 2, got " + heldOutEvery);
        }
        StringBuilder train = new StringBuilder();
        StringBuilder held = new StringBuilder();
        for (int i = 0; i < glosses.size(); i++) {
            (i % heldOutEvery == heldOutEvery - 1 ? held : train)
                    .append(glosses.get(i))
                    .append('\n');
        }
        try {
            Files.createDirectories(dir);
            Path t = write(dir, "train.txt", train);
            Path h = write(dir, "heldout.txt", held);
            return new Corpus(t, h, train.length(), held.length(), heldOutEvery);
        } catch (IOException e) {
            throw new DatasetException("cannot write the WordNet corpus into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path write(Path dir, String name, CharSequence text) throws IOException {
        Path tmp = Files.createTempFile(dir, name, ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        return Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

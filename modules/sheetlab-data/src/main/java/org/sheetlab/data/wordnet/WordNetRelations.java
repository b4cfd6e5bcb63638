package org.sheetlab.data.wordnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * WordNet 3.0's synsets with their words and pointers, and its morphological exception lists, parsed from the
 * database folder ({@code data.noun}, {@code data.verb}, {@code data.adj}, {@code data.adv}, {@code noun.exc},
 * {@code verb.exc}, {@code adj.exc}; Debian: {@code /usr/share/wordnet}); the raw material of the analogy questions
 * ({@link org.sheetlab.data.wordnet.AnalogySetGenerator}). Words are lower-cased, with {@code _} for spaces and the
 * adjective markers such as {@code (a)} removed. A synset line is {@code offset lex_filenum ss_type w_cnt [word
 * lex_id]... p_cnt [symbol offset pos source/target]... | gloss} (WordNet's wndb(5)). JDK-only, so {@code
 * datasets/text-corpus/fetch.sh} can compile it with {@code javac} before the Maven build.
 */
public final class WordNetRelations {
    /** A pointer: {@code symbol} (e.g. {@code !} antonym, {@code @i} instance hypernym, {@code #p} part holonym). */
    public record Pointer(String symbol, char targetPos, long targetOffset, int sourceWord, int targetWord) {}

    /** A synset: its data file's part of speech ({@code n v a r}), offset, words in order, and pointers. */
    public record Synset(char pos, long offset, List<String> words, List<Pointer> pointers) {}

    private final Map<Character, Map<Long, Synset>> synsets;
    private final Map<Character, Map<String, List<String>>> exceptions;
    private final Map<Character, Set<String>> lemmas;

    private WordNetRelations(
            Map<Character, Map<Long, Synset>> synsets, Map<Character, Map<String, List<String>>> exceptions) {
        this.synsets = synsets;
        this.exceptions = exceptions;
        this.lemmas = new HashMap<>();
        synsets.forEach((pos, m) -> {
            Set<String> s = new HashSet<>();
            m.values().forEach(ss -> s.addAll(ss.words()));
            lemmas.put(pos, s);
        });
    }

    /** Reads the data files and exception lists of {@code dir}; a missing exception list counts as empty. */
    public static WordNetRelations load(Path dir) throws IOException {
        Map<Character, Map<Long, Synset>> synsets = new LinkedHashMap<>();
        Map<Character, Map<String, List<String>>> exceptions = new LinkedHashMap<>();
        String[][] files = {{"n", "noun"}, {"v", "verb"}, {"a", "adj"}, {"r", "adv"}};
        for (String[] f : files) {
            char pos = f[0].charAt(0);
            Path data = dir.resolve("data." + f[1]);
            Map<Long, Synset> m = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(data, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank() || line.startsWith("  ")) {
                    continue;
                }
                try {
                    Synset s = parse(pos, line);
                    m.put(s.offset(), s);
                } catch (RuntimeException e) {
                    throw new IOException(
                            data + " line " + (i + 1) + " is not a WordNet synset line (" + e.getMessage() + "): "
                                    + (line.length() > 80 ? line.substring(0, 77) + "..." : line),
                            e);
                }
            }
            synsets.put(pos, m);
            Map<String, List<String>> exc = new LinkedHashMap<>();
            Path excFile = dir.resolve(f[1] + ".exc");
            if (Files.isRegularFile(excFile)) {
                for (String line : Files.readAllLines(excFile, StandardCharsets.UTF_8)) {
                    String[] w = line.strip().split("\\s+");
                    if (w.length >= 2) {
                        exc.put(w[0], List.of(w).subList(1, w.length));
                    }
                }
            }
            exceptions.put(pos, exc);
        }
        return new WordNetRelations(synsets, exceptions);
    }

    private static Synset parse(char filePos, String line) {
        int bar = line.indexOf(" | ");
        String[] f = (bar < 0 ? line : line.substring(0, bar)).trim().split(" ");
        long offset = Long.parseLong(f[0]);
        int wCount = Integer.parseInt(f[3], 16);
        List<String> words = new ArrayList<>(wCount);
        int k = 4;
        for (int i = 0; i < wCount; i++, k += 2) {
            words.add(word(f[k]));
        }
        int pCount = Integer.parseInt(f[k++]);
        List<Pointer> pointers = new ArrayList<>(pCount);
        for (int i = 0; i < pCount; i++, k += 4) {
            char p = f[k + 2].charAt(0);
            String st = f[k + 3];
            pointers.add(new Pointer(
                    f[k],
                    p == 's' ? 'a' : p,
                    Long.parseLong(f[k + 1]),
                    Integer.parseInt(st.substring(0, 2), 16),
                    Integer.parseInt(st.substring(2, 4), 16)));
        }
        return new Synset(filePos, offset, Collections.unmodifiableList(words), Collections.unmodifiableList(pointers));
    }

    private static String word(String raw) {
        String w = raw.toLowerCase(Locale.ROOT);
        int paren = w.indexOf('(');
        return paren > 0 ? w.substring(0, paren) : w;
    }

    /** The synsets of part of speech {@code pos} ({@code n v a r}), in file order. */
    public java.util.Collection<Synset> synsets(char pos) {
        return synsets.get(pos).values();
    }

    /** The synset a pointer leads to. */
    public Synset target(Pointer p) {
        Synset s = synsets.get(p.targetPos()).get(p.targetOffset());
        if (s == null) {
            throw new IllegalStateException("pointer to missing synset " + p.targetPos() + " " + p.targetOffset());
        }
        return s;
    }

    /** True when {@code word} (lower case, {@code _} for spaces) is a lemma of part of speech {@code pos}. */
    public boolean isLemma(char pos, String word) {
        return lemmas.get(pos).contains(word);
    }

    /** True when {@code word} is a lemma of any part of speech. */
    public boolean isLemma(String word) {
        return lemmas.values().stream().anyMatch(s -> s.contains(word));
    }

    /** The exception list of {@code pos}: each inflected form and its base forms, in file order. */
    public Map<String, List<String>> exceptions(char pos) {
        return exceptions.get(pos);
    }

    /**
     * The adjectives' direct antonym pairs (lexical {@code !} pointers of data.adj), each unordered pair once, in
     * the order first met, as {word, antonym}.
     */
    public List<String[]> adjectiveAntonyms() {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> out = new ArrayList<>();
        for (Synset s : synsets('a')) {
            for (Pointer p : s.pointers()) {
                if (!p.symbol().equals("!") || p.sourceWord() == 0 || p.targetPos() != 'a') {
                    continue;
                }
                String a = s.words().get(p.sourceWord() - 1);
                String b = target(p).words().get(p.targetWord() - 1);
                String key = a.compareTo(b) < 0 ? a + " " + b : b + " " + a;
                if (seen.add(key)) {
                    out.add(new String[] {a, b});
                }
            }
        }
        return out;
    }

    /**
     * Capitals and what they are the capital of: for every noun synset that is an instance ({@code @i}) of the
     * synset holding {@code capitalKind} (e.g. {@code national_capital}, {@code state_capital}), its first word and
     * the first word of each synset it is a part of ({@code #p}) whose own hypernym ({@code @} or {@code @i}) has a
     * word that is one of {@code holderKinds} or ends in {@code _} and one of them ({@code country} admits
     * {@code african_country}; so Ottawa's part holonym Ontario, a province, is not taken for its country), as
     * {capital, holder}, in file order.
     */
    public List<String[]> capitals(String capitalKind, Set<String> holderKinds) {
        List<String[]> out = new ArrayList<>();
        for (Synset s : synsets('n')) {
            boolean isCapital = s.pointers().stream()
                    .anyMatch(p -> p.symbol().equals("@i") && target(p).words().contains(capitalKind));
            if (!isCapital) {
                continue;
            }
            for (Pointer p : s.pointers()) {
                if (p.symbol().equals("#p") && isKind(target(p), holderKinds)) {
                    out.add(new String[] {s.words().get(0), target(p).words().get(0)});
                }
            }
        }
        return out;
    }

    private boolean isKind(Synset s, Set<String> kinds) {
        for (Pointer p : s.pointers()) {
            if (p.symbol().equals("@") || p.symbol().equals("@i")) {
                for (String w : target(p).words()) {
                    int u = w.lastIndexOf('_');
                    if (kinds.contains(w) || (u >= 0 && kinds.contains(w.substring(u + 1)))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

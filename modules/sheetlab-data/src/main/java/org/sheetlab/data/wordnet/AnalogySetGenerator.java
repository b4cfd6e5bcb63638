package org.sheetlab.data.wordnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sheetlab.data.text.AnalogyQuestions;

/**
 * Builds analogy questions in Google's questions-words.txt format (sheet: "Embedding Analogy") from WordNet 3.0
 * relations, optionally restricted to a corpus's vocabulary. Each category is a list of word pairs (a, b) with the
 * same relation; its questions are every ordered combination {@code a_i b_i a_j b_j} of two different pairs, so N
 * pairs give N(N − 1) questions, as in Google's file.
 *
 * <ul>
 *   <li>{@code capital-world}: national capitals and their countries: noun synsets that are instances ({@code @i})
 *       of {@code national_capital}, with the synset they are part of ({@code #p}) that is a kind of country,
 *       nation, kingdom or island, e.g. paris france.</li>
 *   <li>{@code capital-state}: the same for {@code state_capital} and a kind of state (US and Australian state
 *       capitals), e.g. boston massachusetts.</li>
 *   <li>{@code gram2-opposite}: adjectives' direct antonyms ({@code !} pointers of data.adj), e.g. good bad.</li>
 *   <li>{@code gram3-comparative} / {@code gram4-superlative}: adj.exc's forms (a form ending in {@code st} is a
 *       superlative, any other a comparative: better, best, worse, worst, bigger, biggest; a form that is a noun or
 *       verb lemma but no adjective lemma, such as madder, is left out), and, only when the
 *       corpus attests them, the regular forms of adjective lemmas (+er/+est, e → er/est, consonant+y →
 *       ier/iest).</li>
 *   <li>{@code gram7-past-tense}: base and simple past (unlike Google's -ing/past pairs): verb.exc's forms, once
 *       the {@code -ing} and {@code -s} forms are set aside: a verb with one form left takes it (told, made); with
 *       two, the one not ending in {@code n}/{@code ne} is the past and the other the participle (went/gone,
 *       ate/eaten), or, when both do, the one with {@code a} where the other has {@code u} (began/begun, sang/sung);
 *       otherwise the verb is skipped, and so is be (was and were). Plus, only when the corpus attests them, the regular forms (+ed, e → ed,
 *       consonant+y → ied).</li>
 *   <li>{@code gram8-plural}: noun.exc's plurals (mice, feet, children) and, only when the corpus attests them, the
 *       regular plurals of noun lemmas that are no verb lemmas (so no use/uses, whose count is mostly the verb's)
 *       and have a vowel (no http/https): +s; s, x, z, ch, sh → +es; consonant+y → ies.</li>
 * </ul>
 *
 * Every word is one token (letters a–z only, so no multi-word lemmas) and the two words differ. A regular form must
 * not itself be a WordNet lemma of any part of speech (which rules out number = numb+er, modest = mod+est, glasses);
 * regular forms are only used with a vocabulary, since WordNet itself does not list them. With a vocabulary ({@code
 * word count} lines), both words must occur at least {@code minCount} times; pairs are ranked by the smaller of the
 * two counts (then alphabetically), without one they keep WordNet's order. Within a category no word is used twice as
 * a nor twice as b (the better-ranked pair wins), and at most {@code maxPairs} pairs are kept. Categories with fewer
 * than two pairs are left out. Deterministic.
 */
public final class AnalogySetGenerator {
    /** One pair of a category: a is to b. */
    public record Pair(String a, String b) {}

    private final WordNetRelations wn;
    private final Map<String, Long> counts;
    private final long minCount;
    private final int maxPairs;

    /**
     * @param countsOrNull the corpus's word counts (null: WordNet's relations only, no regular forms)
     * @param minCount the least count of both words of a pair (with counts)
     * @param maxPairs the most pairs per category
     */
    public AnalogySetGenerator(WordNetRelations wn, Map<String, Long> countsOrNull, long minCount, int maxPairs) {
        if (maxPairs < 2) {
            throw new IllegalArgumentException("maxPairs must be >= 2, got " + maxPairs);
        }
        this.wn = wn;
        this.counts = countsOrNull;
        this.minCount = minCount;
        this.maxPairs = maxPairs;
    }

    /** The categories in order (capital-world, capital-state, gram2-opposite, gram3, gram4, gram7, gram8). */
    public AnalogyQuestions generate() {
        Map<String, List<Pair>> cats = new LinkedHashMap<>();
        cats.put("capital-world", capitals("national_capital", Set.of("country", "nation", "kingdom", "island")));
        cats.put("capital-state", capitals("state_capital", Set.of("state")));
        cats.put("gram2-opposite", antonyms());
        cats.put("gram3-comparative", comparatives(false));
        cats.put("gram4-superlative", comparatives(true));
        cats.put("gram7-past-tense", pastTenses());
        cats.put("gram8-plural", plurals());
        List<AnalogyQuestions.Category> out = new ArrayList<>();
        cats.forEach((name, candidates) -> {
            List<Pair> pairs = select(candidates);
            if (pairs.size() >= 2) {
                out.add(new AnalogyQuestions.Category(name, questions(pairs)));
            }
        });
        return new AnalogyQuestions(out);
    }

    /** Every ordered combination of two different pairs: a_i b_i a_j b_j, i ≠ j, i-major. */
    static List<AnalogyQuestions.Question> questions(List<Pair> pairs) {
        List<AnalogyQuestions.Question> q = new ArrayList<>();
        for (Pair p : pairs) {
            for (Pair r : pairs) {
                if (p != r) {
                    q.add(new AnalogyQuestions.Question(p.a(), p.b(), r.a(), r.b()));
                }
            }
        }
        return q;
    }

    /** The kept pairs of a category's candidates: filtered, ranked, de-duplicated and cut to maxPairs. */
    List<Pair> select(List<Pair> candidates) {
        List<Pair> ok = new ArrayList<>();
        Set<Pair> seenPairs = new HashSet<>();
        for (Pair p : candidates) {
            if (isWord(p.a())
                    && isWord(p.b())
                    && !p.a().equals(p.b())
                    && count(p.a()) >= minCount
                    && count(p.b()) >= minCount
                    && seenPairs.add(p)) {
                ok.add(p);
            }
        }
        if (counts != null) {
            ok.sort(Comparator.comparingLong((Pair p) -> -Math.min(count(p.a()), count(p.b())))
                    .thenComparing(Pair::a)
                    .thenComparing(Pair::b));
        }
        List<Pair> out = new ArrayList<>();
        Set<String> as = new HashSet<>();
        Set<String> bs = new HashSet<>();
        for (Pair p : ok) {
            if (out.size() == maxPairs) {
                break;
            }
            if (!as.contains(p.a()) && !bs.contains(p.b())) {
                as.add(p.a());
                bs.add(p.b());
                out.add(p);
            }
        }
        return out;
    }

    private long count(String w) {
        return counts == null ? Long.MAX_VALUE : counts.getOrDefault(w, 0L);
    }

    private static boolean isWord(String w) {
        return !w.isEmpty() && w.chars().allMatch(c -> c >= 'a' && c <= 'z');
    }

    List<Pair> capitals(String kind, Set<String> holderKinds) {
        List<Pair> out = new ArrayList<>();
        for (String[] c : wn.capitals(kind, holderKinds)) {
            out.add(new Pair(c[0], c[1]));
        }
        return out;
    }

    List<Pair> antonyms() {
        List<Pair> out = new ArrayList<>();
        for (String[] a : wn.adjectiveAntonyms()) {
            out.add(new Pair(a[0], a[1]));
        }
        return out;
    }

    List<Pair> comparatives(boolean superlative) {
        List<Pair> out = new ArrayList<>();
        Map<String, List<String>> exc = wn.exceptions('a');
        exc.forEach((form, bases) -> {
            // a form that is a noun or verb but no adjective lemma is another word (madder, the plant)
            boolean otherWord = !wn.isLemma('a', form) && (wn.isLemma('n', form) || wn.isLemma('v', form));
            if (form.endsWith("st") == superlative && !otherWord) {
                for (String b : bases) {
                    if (wn.isLemma('a', b)) {
                        out.add(new Pair(b, form));
                    }
                }
            }
        });
        if (counts != null) {
            for (String base : lemmas('a')) {
                String stem = base.endsWith("e")
                        ? base.substring(0, base.length() - 1)
                        : consonantY(base) ? base.substring(0, base.length() - 1) + "i" : base;
                addRegular(out, exc, base, stem + (superlative ? "est" : "er"));
            }
        }
        return out;
    }

    List<Pair> pastTenses() {
        List<Pair> out = new ArrayList<>();
        Map<String, List<String>> exc = wn.exceptions('v');
        Map<String, List<String>> formsOf = new LinkedHashMap<>();
        exc.forEach((form, bases) -> {
            if (!form.endsWith("ing") && !form.endsWith("s")) {
                for (String b : bases) {
                    formsOf.computeIfAbsent(b, k -> new ArrayList<>()).add(form);
                }
            }
        });
        formsOf.forEach((base, forms) -> {
            String past = pastOf(forms);
            // be has two simple pasts (was, were): no single answer
            if (past != null && !base.equals("be") && wn.isLemma('v', base)) {
                out.add(new Pair(base, past));
            }
        });
        if (counts != null) {
            for (String base : lemmas('v')) {
                String past = base.endsWith("e")
                        ? base + "d"
                        : consonantY(base) ? base.substring(0, base.length() - 1) + "ied" : base + "ed";
                addRegular(out, exc, base, past);
            }
        }
        return out;
    }

    /** The simple past among a verb's exception forms (see the class comment), or null. */
    static String pastOf(List<String> forms) {
        if (forms.size() == 1) {
            return forms.get(0);
        }
        if (forms.size() != 2) {
            return null;
        }
        String x = forms.get(0);
        String y = forms.get(1);
        boolean xn = x.endsWith("n") || x.endsWith("ne");
        boolean yn = y.endsWith("n") || y.endsWith("ne");
        if (xn != yn) {
            return xn ? y : x;
        }
        if (x.length() == y.length()) {
            int diff = -1;
            for (int i = 0; i < x.length(); i++) {
                if (x.charAt(i) != y.charAt(i)) {
                    if (diff >= 0) {
                        return null;
                    }
                    diff = i;
                }
            }
            if (diff >= 0 && x.charAt(diff) == 'a' && y.charAt(diff) == 'u') {
                return x;
            }
            if (diff >= 0 && x.charAt(diff) == 'u' && y.charAt(diff) == 'a') {
                return y;
            }
        }
        return null;
    }

    List<Pair> plurals() {
        List<Pair> out = new ArrayList<>();
        Map<String, List<String>> exc = wn.exceptions('n');
        exc.forEach((form, bases) -> {
            for (String b : bases) {
                if (wn.isLemma('n', b)) {
                    out.add(new Pair(b, form));
                }
            }
        });
        if (counts != null) {
            for (String base : lemmas('n')) {
                // a noun that is also a verb (use, make, call) would pair its plural with the verb's -s form;
                // a word without a vowel is an abbreviation (http)
                if (wn.isLemma('v', base) || !base.matches(".*[aeiouy].*")) {
                    continue;
                }
                String plural = base.matches(".*(s|x|z|ch|sh)")
                        ? base + "es"
                        : consonantY(base) ? base.substring(0, base.length() - 1) + "ies" : base + "s";
                addRegular(out, exc, base, plural);
            }
        }
        return out;
    }

    /** A regular form: only attested in the corpus, not a lemma itself, and for a base without an exception form. */
    private void addRegular(List<Pair> out, Map<String, List<String>> exc, String base, String form) {
        if (base.length() >= 3
                && isWord(base)
                && !wn.isLemma(form)
                && !exc.containsKey(form)
                && exc.values().stream().noneMatch(b -> b.contains(base))
                && count(form) >= minCount) {
            out.add(new Pair(base, form));
        }
    }

    private List<String> lemmas(char pos) {
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (WordNetRelations.Synset s : wn.synsets(pos)) {
            for (String w : s.words()) {
                if (isWord(w) && seen.add(w)) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    private static boolean consonantY(String w) {
        return w.length() >= 2 && w.endsWith("y") && "aeiou".indexOf(w.charAt(w.length() - 2)) < 0;
    }

    /** Reads a {@code word count} vocabulary file (the corpus's vocabulary.txt). */
    public static Map<String, Long> readCounts(Path file) throws IOException {
        Map<String, Long> m = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String[] f = line.split(" ");
                if (f.length != 2) {
                    throw new IOException(file + " line " + lineNo + " is not 'word count': " + line);
                }
                m.put(f[0], Long.parseLong(f[1]));
            }
        }
        return m;
    }

    /**
     * {@code AnalogySetGenerator WORDNET_DIR OUT_FILE [--vocabulary FILE] [--min-count N] [--max-pairs N]}: writes
     * the questions and prints each category's pair and question counts.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length % 2 != 0) {
            System.err.println("usage: AnalogySetGenerator WORDNET_DIR OUT_FILE [--vocabulary FILE] [--min-count N]"
                    + " [--max-pairs N]");
            System.exit(2);
        }
        Map<String, Long> counts = null;
        long minCount = 1;
        int maxPairs = 40;
        for (int i = 2; i < args.length; i += 2) {
            switch (args[i]) {
                case "--vocabulary" -> counts = readCounts(Paths.get(args[i + 1]));
                case "--min-count" -> minCount = Long.parseLong(args[i + 1]);
                case "--max-pairs" -> maxPairs = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("AnalogySetGenerator: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        AnalogyQuestions q = new AnalogySetGenerator(
                        WordNetRelations.load(Paths.get(args[0])), counts, minCount, maxPairs)
                .generate();
        q.write(Paths.get(args[1]));
        for (AnalogyQuestions.Category c : q.categories()) {
            int n = c.questions().size();
            int pairs = (int) Math.round((1 + Math.sqrt(1 + 4.0 * n)) / 2);
            System.out.printf("  %-18s %3d pairs %5d questions%n", c.name(), pairs, n);
        }
        System.out.printf(
                "analogy questions in %s: %d categories, %d questions%n",
                args[1], q.categories().size(), q.size());
    }
}

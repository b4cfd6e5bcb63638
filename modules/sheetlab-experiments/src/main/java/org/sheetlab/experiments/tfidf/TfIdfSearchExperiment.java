package org.sheetlab.experiments.tfidf;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.sheetlab.data.text.CorpusTokenizer;
import org.sheetlab.data.text.TextCorpus;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.text.tfidf.Match;
import org.sheetlab.text.tfidf.TfIdfIndex;
import org.sheetlab.text.tfidf.Weighting;
import org.sheetlab.text.tfidf.WordWeight;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, TF-IDF &amp; Cosine Similarity (Final Q6), on the text corpus (datasets/text-corpus, one document per line):
 * for each weighting ({@code sheet}: TF = count/|d|, IDF = ln(N/df); {@code sklearn}: scikit-learn's smoothed, l2
 * normalised variant) it indexes the documents (optionally the first {@code --max-documents}) in a sparse
 * {@link TfIdfIndex}, answers each {@code --query} with its top {@code --top-k} documents by cosine, and writes into
 * the variant's folder:
 *
 * <ul>
 *   <li>{@code matches.txt} / {@code matches.json}: per query, the ranked documents with their scores and text;
 *   <li>{@code lowest-idf.txt}: the words with the lowest IDF (the most widespread, the least discriminating);
 *   <li>{@code common-word.txt}: Final Q6 on real text. The word with the lowest IDF, w*, is in most documents but not
 *       all, so its IDF is small, not 0. Restricted to the documents that contain w*, it is in all N* of them and its
 *       sheet IDF is ln(N* / N*) = 0: each query is answered there without and with w* added, and the rankings and
 *       scores are compared (sheet: identical, as w* adds weight 0 and only rescales the query; sklearn: its idf is
 *       ln(1) + 1 = 1, so w* does move rankings).
 * </ul>
 *
 * <p>Nothing is trained: each variant is computed ({@link Experiment#compute}); its row's "seconds" are the index build
 * time. Headline: documents N, vocabulary V, stored entries nnz, index megabytes (all arrays, O(N + V + nnz)), mean
 * query milliseconds, and the fraction of queries whose top-k changed when w* was added (in the w* collection).
 */
@Command(
        name = "tfidf-search",
        mixinStandardHelpOptions = true,
        description = "Sheet TF-IDF & Cosine Similarity (Final Q6): index the text corpus, answer queries with top-k "
                + "cosine matches, and show that a word in every document (IDF 0) does not change a ranking.")
public final class TfIdfSearchExperiment extends Experiment<TfIdfSearchExperiment.Options, TextCorpus, Weighting> {

    /** Queries for a dictionary-style corpus (definitions and glosses). */
    public static final List<String> DEFAULT_QUERIES = List.of(
            "a small bird with a red breast",
            "inflammation of the skin",
            "a musical instrument with strings",
            "the capital city of a country",
            "a unit of weight",
            "to move quickly on foot");

    /** Documents per {@code --max-batches} in a smoke run without {@code --max-documents}. */
    public static final int SMOKE_DOCUMENTS_PER_BATCH = 1000;

    public static final Headline DOCUMENTS = Headline.of("documents", "documents", "%.0f");
    public static final Headline VOCABULARY = Headline.of("vocabulary", "vocabulary", "%.0f");
    public static final Headline ENTRIES = Headline.of("storedEntries", "stored entries", "%.0f");
    public static final Headline INDEX_MB = Headline.of("indexMegabytes", "index MB", "%.1f");
    public static final Headline QUERY_MS = Headline.of("queryMillis", "ms per query", "%.3f");
    public static final Headline CHANGED = Headline.of("changedByCommonWord", "top-k changed by w*", "%.2f");

    /** Options of {@code tfidf-search}. The loop options (epochs, batch size, resume) do not apply: nothing trains. */
    public static final class Options extends ExperimentOptions {
        @Option(
                names = "--query",
                paramLabel = "<text>",
                description = "A query (repeatable); tokenised like the corpus (default: six dictionary-style "
                        + "queries, e.g. \"a small bird with a red breast\").")
        public List<String> queries = new ArrayList<>(DEFAULT_QUERIES);

        @Option(names = "--top-k", description = "Documents returned per query (default: ${DEFAULT-VALUE}).")
        public int topK = 5;

        @Option(
                names = "--max-documents",
                description = "Index only the first N documents of the corpus (default: all; in a smoke run with "
                        + "--max-batches B, the first B x " + SMOKE_DOCUMENTS_PER_BATCH + ").")
        public Integer maxDocuments;

        @Option(
                names = "--weightings",
                split = ",",
                description = "TF-IDF weightings to compare: sheet (TF = count/|d|, IDF = ln(N/df)) and/or sklearn "
                        + "(tf = count, idf = ln((1+N)/(1+df)) + 1, l2-normalised rows) (default: sheet,sklearn).")
        public List<String> weightings = List.of("sheet", "sklearn");

        @Option(names = "--lowest-idf", description = "Rows of the lowest-IDF table (default: ${DEFAULT-VALUE}).")
        public int lowestIdf = 15;

        public Options() {
            super(1, 1);
        }
    }

    public TfIdfSearchExperiment() {
        super(new Options(), DOCUMENTS, VOCABULARY, ENTRIES, INDEX_MB, QUERY_MS, CHANGED);
    }

    @Override
    protected void validate(Options o) {
        check(o.topK >= 1, "--top-k must be at least 1, got " + o.topK);
        check(
                o.maxDocuments == null || o.maxDocuments >= 1,
                "--max-documents must be at least 1, got " + o.maxDocuments);
        check(!o.queries.isEmpty(), "give at least one --query");
        check(o.lowestIdf >= 1, "--lowest-idf must be at least 1, got " + o.lowestIdf);
        for (String q : o.queries) {
            check(!CorpusTokenizer.tokenize(q).isEmpty(), "--query '" + q + "' has no word (letters or digits)");
        }
    }

    @Override
    protected List<Weighting> variants(Options o) {
        return o.weightings.stream().map(Weighting::parse).distinct().toList();
    }

    @Override
    protected TextCorpus data(Options o, long seed, RunDirectory run) {
        return TextCorpus.locateOrFetch(o.dataDir.value);
    }

    @Override
    protected Map<String, Object> describe(TextCorpus corpus) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dataset", "text-corpus " + corpus.documentCount() + " documents, " + corpus.tokenCount() + " tokens");
        d.put("corpus", corpus.dir().toString());
        d.put("corpusSha256", corpus.sha256());
        return d;
    }

    @Override
    protected Row compute(Context<Options, TextCorpus> c, Weighting weighting, String label, RunDirectory folder) {
        Options o = c.options();
        TextCorpus corpus = c.data();
        Integer max = maxDocuments(o);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore =
                threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        long start = System.nanoTime();
        TfIdfIndex index = index(corpus, weighting, max);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - allocatedBefore;

        Map<String, List<Match>> answers = new LinkedHashMap<>();
        Map<String, String> unanswered = new LinkedHashMap<>();
        for (String q : o.queries) {
            try {
                answers.put(q, index.search(CorpusTokenizer.tokenize(q), o.topK));
            } catch (IllegalArgumentException e) {
                unanswered.put(q, e.getMessage());
            }
        }
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("none of the queries can be answered on this corpus: " + unanswered);
        }
        double queryMillis = queryMillis(index, answers.keySet(), o.topK);
        writeMatches(folder, corpus, max, answers, unanswered);

        List<WordWeight> lowest = index.lowestIdf(o.lowestIdf);
        folder.writeText("lowest-idf.txt", lowestIdfTable(index, lowest));
        CommonWord common =
                commonWord(corpus, weighting, max, o.topK, lowest.get(0).word(), answers.keySet());
        folder.writeText("common-word.txt", common.report());

        Map<String, Double> values = new LinkedHashMap<>();
        values.put(DOCUMENTS.key(), (double) index.documents());
        values.put(VOCABULARY.key(), (double) index.vocabularySize());
        values.put(ENTRIES.key(), (double) index.nonZeros());
        values.put(INDEX_MB.key(), index.storedBytes() / 1e6);
        values.put(QUERY_MS.key(), queryMillis);
        values.put(CHANGED.key(), common.changedFraction());
        values.put("buildSeconds", buildSeconds);
        values.put("allocatedMegabytes", allocated / 1e6);
        values.put("commonWordIdfInItsCollection", common.idf());
        values.put("commonWordMaxScoreChange", common.maxScoreChange());
        return new Row(label, values, buildSeconds, 0, index.vocabularySize(), null);
    }

    /** The document cap: --max-documents, else in a smoke run (--max-batches B) B x 1000, else none. */
    static Integer maxDocuments(Options o) {
        if (o.maxDocuments != null || o.run.maxBatches == null) {
            return o.maxDocuments;
        }
        return (int) Math.min(Integer.MAX_VALUE, (long) o.run.maxBatches * SMOKE_DOCUMENTS_PER_BATCH);
    }

    /** Indexes the documents of the corpus (the first {@code max}, or all). */
    static TfIdfIndex index(TextCorpus corpus, Weighting weighting, Integer max) {
        TfIdfIndex.Builder b = TfIdfIndex.builder().optWeighting(weighting).optTokenizer(CorpusTokenizer::tokenize);
        try (Stream<String> docs = corpus.documents()) {
            (max == null ? docs : docs.limit(max)).forEachOrdered(d -> b.addTokens(List.of(d.split(" "))));
        }
        return b.build();
    }

    /** Mean milliseconds per search: one warm-up pass, then passes over all queries for at least 0.2 s (max 200). */
    private static double queryMillis(TfIdfIndex index, Set<String> queries, int k) {
        List<List<String>> tokens =
                queries.stream().map(CorpusTokenizer::tokenize).toList();
        tokens.forEach(q -> index.search(q, k));
        long start = System.nanoTime();
        int searches = 0;
        for (int pass = 0; pass < 200 && System.nanoTime() - start < 200_000_000L; pass++) {
            for (List<String> q : tokens) {
                index.search(q, k);
                searches++;
            }
        }
        return (System.nanoTime() - start) / 1e6 / searches;
    }

    /** matches.txt and matches.json: each query's ranked documents with score and text. */
    private static void writeMatches(
            RunDirectory folder,
            TextCorpus corpus,
            Integer max,
            Map<String, List<Match>> answers,
            Map<String, String> unanswered) {
        Set<Integer> wanted = new TreeSet<>();
        answers.values().forEach(ms -> ms.forEach(m -> wanted.add(m.document())));
        Map<Integer, String> texts = texts(corpus, max, wanted);
        StringBuilder txt = new StringBuilder();
        List<Map<String, Object>> json = new ArrayList<>();
        answers.forEach((q, matches) -> {
            txt.append("query: ").append(q).append(System.lineSeparator());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < matches.size(); i++) {
                Match m = matches.get(i);
                String text = texts.get(m.document());
                txt.append(String.format(
                        Locale.ROOT,
                        "  %d. %.4f  #%d  %s%n",
                        i + 1,
                        m.score(),
                        m.document(),
                        text.length() > 100 ? text.substring(0, 97) + "..." : text));
                rows.add(Map.of("rank", i + 1, "document", m.document(), "score", m.score(), "text", text));
            }
            json.add(Map.of("query", q, "matches", rows));
        });
        unanswered.forEach((q, why) -> {
            txt.append("query: ")
                    .append(q)
                    .append(System.lineSeparator())
                    .append("  not answered: ")
                    .append(why)
                    .append(System.lineSeparator());
            json.add(Map.of("query", q, "error", why));
        });
        folder.writeText("matches.txt", txt.toString());
        folder.writeJson("matches.json", json);
    }

    /** The lines of the documents in {@code wanted} (indices among the first {@code max}), in one pass. */
    static Map<Integer, String> texts(TextCorpus corpus, Integer max, Set<Integer> wanted) {
        Map<Integer, String> texts = new HashMap<>();
        int last = wanted.stream().mapToInt(Integer::intValue).max().orElse(-1);
        try (Stream<String> docs = corpus.documents()) {
            var it = docs.limit(max == null ? Long.MAX_VALUE : max).iterator();
            for (int d = 0; d <= last && it.hasNext(); d++) {
                String line = it.next();
                if (wanted.contains(d)) {
                    texts.put(d, line);
                }
            }
        }
        return texts;
    }

    private static String lowestIdfTable(TfIdfIndex index, List<WordWeight> lowest) {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "The %d words with the lowest IDF (%s weighting, N = %d documents): the most widespread, the least "
                        + "discriminating%n%-16s %10s %8s %10s%n",
                lowest.size(),
                index.weighting().name().toLowerCase(Locale.ROOT),
                index.documents(),
                "word",
                "df",
                "df/N",
                "IDF"));
        for (WordWeight w : lowest) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-16s %10d %8.4f %10.6f%n",
                    w.word(),
                    w.documentFrequency(),
                    (double) w.documentFrequency() / index.documents(),
                    w.idf()));
        }
        return sb.toString();
    }

    /**
     * Final Q6 on the corpus: in the collection of the documents that contain {@code word} (all N* of them), every
     * query is answered without and with {@code word} appended.
     */
    static CommonWord commonWord(
            TextCorpus corpus, Weighting weighting, Integer max, int k, String word, Set<String> queries) {
        List<Integer> corpusIndex = new ArrayList<>(); // document i of the w* collection is corpusIndex.get(i)
        TfIdfIndex.Builder collection =
                TfIdfIndex.builder().optWeighting(weighting).optTokenizer(CorpusTokenizer::tokenize);
        try (Stream<String> docs = corpus.documents()) {
            var it = docs.limit(max == null ? Long.MAX_VALUE : max).iterator();
            for (int d = 0; it.hasNext(); d++) {
                List<String> tokens = List.of(it.next().split(" "));
                if (tokens.contains(word)) {
                    collection.addTokens(tokens);
                    corpusIndex.add(d);
                }
            }
        }
        TfIdfIndex sub = collection.build();
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "w* = '%s', the word with the lowest IDF. In the %d documents that contain it, df(w*) = N* = %d, so "
                        + "IDF(w*) = %.6f (%s weighting).%nEach query answered there without and with w* "
                        + "(#n: document n of the corpus):%n",
                word,
                sub.documents(),
                sub.documentFrequency(word),
                sub.idf(word),
                weighting.name().toLowerCase(Locale.ROOT)));
        int answered = 0;
        int changed = 0;
        double maxChange = 0;
        for (String q : queries) {
            List<String> without = CorpusTokenizer.tokenize(q);
            List<String> with = new ArrayList<>(without);
            with.add(word);
            List<Match> a;
            List<Match> b;
            try {
                a = sub.search(without, k);
                b = sub.search(with, k);
            } catch (IllegalArgumentException e) {
                sb.append("  ")
                        .append(q)
                        .append(": not answered (")
                        .append(e.getMessage())
                        .append(')')
                        .append(System.lineSeparator());
                continue;
            }
            answered++;
            boolean same = a.stream()
                    .map(Match::document)
                    .toList()
                    .equals(b.stream().map(Match::document).toList());
            double change = 0;
            for (int i = 0; i < a.size(); i++) {
                change = Math.max(change, Math.abs(a.get(i).score() - b.get(i).score()));
            }
            if (!same) {
                changed++;
            }
            maxChange = Math.max(maxChange, change);
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-40s top-%d %s, max |score change| %.3g%n    without: %s%n" + "    with:    %s%n",
                    q,
                    k,
                    same ? "identical" : "CHANGED",
                    change,
                    ranking(a, corpusIndex),
                    ranking(b, corpusIndex)));
        }
        double fraction = answered == 0 ? 0 : (double) changed / answered;
        sb.append(String.format(Locale.ROOT, "%d of %d rankings changed.%n", changed, answered));
        return new CommonWord(sb.toString(), sub.idf(word), fraction, maxChange);
    }

    private static String ranking(List<Match> matches, List<Integer> corpusIndex) {
        return String.join(
                ", ",
                matches.stream()
                        .map(m -> String.format(Locale.ROOT, "#%d (%.4f)", corpusIndex.get(m.document()), m.score()))
                        .toList());
    }

    /** The common-word demonstration's report and figures. */
    record CommonWord(String report, double idf, double changedFraction, double maxScoreChange) {}
}

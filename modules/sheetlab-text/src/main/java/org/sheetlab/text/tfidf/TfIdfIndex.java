package org.sheetlab.text.tfidf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A TF-IDF index of a document collection and top-k cosine search over it (sheet section "TF-IDF &amp; Cosine
 * Similarity", Final Q6).
 *
 * <p>With N documents and a vocabulary of V words (in first-seen order), the index holds:
 *
 * <ul>
 *   <li>the document × word weights X (N × V) in compressed sparse rows ({@link SparseRows}): only the nnz pairs
 *       (d, w) with count(w, d) &gt; 0 are stored, with X[d, w] = TF(w, d) × IDF(w) as the {@link Weighting} defines
 *       them (for {@link Weighting#SHEET}: count(w,d)/|d| × ln(N/df(w)); for {@link Weighting#SKLEARN}: count × (ln((1
 *       + N)/(1 + df)) + 1), each row then divided by its norm);
 *   <li>the same entries' raw counts (nnz ints), the document lengths |d| (N ints), df and IDF per word (V each);
 *   <li>the transpose of X (V × N, the inverted index: per word, the documents containing it), which search walks.
 * </ul>
 *
 * <p>No array has N × V entries: memory is O(N + V + nnz). A word present in all N documents has SHEET IDF ln(1) = 0,
 * so its TF-IDF is 0 everywhere and it cannot move any cosine: the sheet's "useless for discrimination".
 *
 * <p>Search: a query text is tokenised like the documents and weighted the same way (TF over the query's own length,
 * the collection's IDF; words the collection never saw are counted in |q| but get no weight), and the k documents
 * with the highest cos(q, d) = q · d / (‖q‖ ‖d‖) are returned, best first, ties broken by the lower document index. A
 * document whose vector is zero scores 0.
 *
 * <pre>
 *   TfIdfIndex index = TfIdfIndex.builder()
 *           .optWeighting(Weighting.SHEET)             // the default; SKLEARN for scikit-learn's TfidfVectorizer
 *           .addAll(documents)                          // Stream&lt;String&gt;, one document per string
 *           .build();
 *   List&lt;Match&gt; top = index.search("skin rash", 5);</pre>
 */
public final class TfIdfIndex {
    private final Weighting weighting;
    private final Function<String, List<String>> tokenizer;
    private final List<String> words;
    private final Map<String, Integer> ids;
    private final int[] documentFrequency;
    private final double[] idf;
    private final int[] lengths;
    private final int[] counts;
    private final SparseRows weights;
    private final SparseRows postings;
    private final double[] norms;

    private TfIdfIndex(Builder b) {
        int n = b.lengths.size;
        if (n == 0) {
            throw new IllegalArgumentException(
                    "the collection is empty: add at least one document before build() (IDF needs N >= 1)");
        }
        this.weighting = b.weighting;
        this.tokenizer = b.tokenizer;
        this.words = List.copyOf(b.words);
        this.ids = Map.copyOf(b.ids);
        int v = words.size();
        this.documentFrequency = Arrays.copyOf(b.df.data, v);
        this.idf = new double[v];
        for (int w = 0; w < v; w++) {
            idf[w] = weighting.idf(n, documentFrequency[w]);
        }
        this.lengths = b.lengths.toArray();
        int[] indptr = b.indptr.toArray();
        int[] indices = b.indices.toArray();
        this.counts = b.counts.toArray();
        double[] values = new double[indices.length];
        for (int d = 0; d < n; d++) {
            for (int k = indptr[d]; k < indptr[d + 1]; k++) {
                values[k] = weighting.tf(counts[k], lengths[d]) * idf[indices[k]];
            }
            if (weighting.normalisesRows()) {
                normalise(values, indptr[d], indptr[d + 1]);
            }
        }
        this.weights = new SparseRows(v, indptr, indices, values);
        this.postings = weights.transpose();
        this.norms = weights.rowNorms();
    }

    /** A builder with the sheet's weighting and whitespace tokens. */
    public static Builder builder() {
        return new Builder();
    }

    /** Divides values[from, to) by their Euclidean norm (sum of squares in stored order, as sklearn's normalize). */
    private static void normalise(double[] values, int from, int to) {
        double sum = 0;
        for (int k = from; k < to; k++) {
            sum += values[k] * values[k];
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int k = from; k < to; k++) {
                values[k] /= norm;
            }
        }
    }

    /** The weighting this index uses. */
    public Weighting weighting() {
        return weighting;
    }

    /** N, the number of documents. */
    public int documents() {
        return lengths.length;
    }

    /** V, the number of distinct words. */
    public int vocabularySize() {
        return words.size();
    }

    /** The vocabulary in column order (first-seen order). */
    public List<String> vocabulary() {
        return words;
    }

    /** The column of {@code word}, or -1 when no document contains it. */
    public int indexOf(String word) {
        Integer id = ids.get(word);
        return id == null ? -1 : id;
    }

    /** nnz: the number of stored (document, word) pairs, i.e. the sum over documents of their distinct words. */
    public long nonZeros() {
        return weights.nnz();
    }

    /** |d|, the number of tokens of document {@code d}. */
    public int length(int d) {
        return lengths[Objects.checkIndex(d, lengths.length)];
    }

    /** count(w, d): how often {@code word} occurs in document {@code d} (0 for an unknown word). */
    public int count(String word, int d) {
        int w = indexOf(word);
        if (w < 0) {
            return 0;
        }
        Objects.checkIndex(d, lengths.length);
        int[] indptr = weights.indptr();
        int at = Arrays.binarySearch(weights.indices(), indptr[d], indptr[d + 1], w);
        return at >= 0 ? counts[at] : 0;
    }

    /** df(w): the number of documents containing {@code word}; fails for a word no document contains. */
    public int documentFrequency(String word) {
        return documentFrequency[known(word)];
    }

    /** IDF(w) under this index's weighting; fails for a word no document contains (df = 0, IDF undefined). */
    public double idf(String word) {
        return idf[known(word)];
    }

    /** TF(w, d) under this index's weighting (SHEET: count/|d|; SKLEARN: count), before normalisation. */
    public double tf(String word, int d) {
        return weighting.tf(count(word, d), length(d));
    }

    /** X[d, w], the stored weight (SHEET: TF × IDF; SKLEARN: the l2-normalised TF × IDF); 0 when w is not in d. */
    public double tfidf(String word, int d) {
        int w = indexOf(word);
        return w < 0 ? 0.0 : weights.get(Objects.checkIndex(d, lengths.length), w);
    }

    /** Row d of X as a sparse vector of dimension V. */
    public SparseVector vector(int d) {
        return weights.row(d);
    }

    /** The N × V weight matrix (CSR, not a copy). */
    public SparseRows matrix() {
        return weights;
    }

    /** cos(X[a], X[b]) of two documents of the collection. */
    public double cosine(int a, int b) {
        return CosineSimilarity.cosine(vector(a), vector(b));
    }

    /**
     * The TF-IDF vector of a new text, dimension V: its tokens counted, TF over its own length (unknown words count in
     * |q| but get no weight), the collection's IDF, normalised for SKLEARN. Entries that are 0 (words with IDF 0) are
     * not stored.
     *
     * @throws IllegalArgumentException when none of its words is in the vocabulary
     */
    public SparseVector vectorize(String text) {
        return vectorize(tokenizer.apply(text), text);
    }

    /** {@link #vectorize(String)} of a text already split into tokens. */
    public SparseVector vectorize(List<String> tokens) {
        return vectorize(tokens, String.join(" ", tokens));
    }

    private SparseVector vectorize(List<String> tokens, String text) {
        Map<Integer, Integer> known = new HashMap<>();
        for (String t : tokens) {
            Integer w = ids.get(t);
            if (w != null) {
                known.merge(w, 1, Integer::sum);
            }
        }
        if (known.isEmpty()) {
            throw new IllegalArgumentException("none of the words of the query '" + abbreviate(text)
                    + "' is in the index's vocabulary of " + words.size()
                    + " words; query with words the documents contain");
        }
        int[] idx = known.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        double[] val = new double[idx.length];
        int stored = 0;
        for (int w : idx) {
            double x = weighting.tf(known.get(w), tokens.size()) * idf[w];
            if (x != 0) {
                idx[stored] = w;
                val[stored++] = x;
            }
        }
        if (weighting.normalisesRows()) {
            normalise(val, 0, stored);
        }
        return new SparseVector(words.size(), Arrays.copyOf(idx, stored), Arrays.copyOf(val, stored));
    }

    /**
     * The {@code k} documents most similar to {@code query} by cosine, best first, ties broken by the lower document
     * index; all N when k &gt; N.
     *
     * @throws IllegalArgumentException for k &lt; 1, a query with no word of the vocabulary, or a query whose every
     *     word is in all documents (all weights 0: nothing to rank by)
     */
    public List<Match> search(String query, int k) {
        return search(vectorize(query), k, query);
    }

    /** {@link #search(String, int)} of a query already split into tokens. */
    public List<Match> search(List<String> query, int k) {
        return search(vectorize(query), k, String.join(" ", query));
    }

    /** Top-k by cosine for a query vector of dimension V (e.g. from {@link #vectorize}). */
    public List<Match> search(SparseVector query, int k) {
        return search(query, k, "vector of " + query.nnz() + " entries");
    }

    private List<Match> search(SparseVector q, int k, String text) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1 (the number of documents to return), got " + k);
        }
        if (q.dimension() != words.size()) {
            throw new IllegalArgumentException(
                    "the query vector has dimension " + q.dimension() + ", the index's vocabulary " + words.size());
        }
        double qnorm = q.norm();
        if (qnorm == 0) {
            throw new IllegalArgumentException("every known word of the query '" + abbreviate(text)
                    + "' has IDF 0 (it appears in all " + documents()
                    + " documents), so the query cannot rank them; add a word that some documents lack");
        }
        double[] dots = scores(q);
        int n = documents();
        int keep = Math.min(k, n);
        // a min-heap of the best `keep` so far: its head is the worst kept (lowest score, then highest index)
        Comparator<Match> worstFirst =
                Comparator.comparingDouble(Match::score).thenComparing(Match::document, Comparator.reverseOrder());
        PriorityQueue<Match> heap = new PriorityQueue<>(keep + 1, worstFirst);
        for (int d = 0; d < n; d++) {
            double score = CosineSimilarity.of(dots[d], qnorm, norms[d]);
            if (heap.size() < keep) {
                heap.add(new Match(d, score));
            } else if (score > heap.peek().score()) {
                // documents come in increasing index, so one that only ties the worst kept stays out (ties: lower
                // index first); no Match is allocated for a document that does not enter the heap
                heap.poll();
                heap.add(new Match(d, score));
            }
        }
        List<Match> best = new ArrayList<>(heap);
        best.sort(worstFirst.reversed());
        return best;
    }

    /** q · X[d] for every document d, walking the postings of the query's words only (length N). */
    private double[] scores(SparseVector q) {
        double[] dots = new double[documents()];
        int[] ptr = postings.indptr();
        int[] docs = postings.indices();
        double[] vals = postings.values();
        for (int j = 0; j < q.nnz(); j++) {
            int w = q.indices()[j];
            double qw = q.values()[j];
            for (int p = ptr[w]; p < ptr[w + 1]; p++) {
                dots[docs[p]] += qw * vals[p];
            }
        }
        return dots;
    }

    /** The {@code n} words with the lowest IDF (the most common: the least discriminating), ties by first occurrence. */
    public List<WordWeight> lowestIdf(int n) {
        return Stream.iterate(0, w -> w + 1)
                .limit(words.size())
                .sorted(Comparator.<Integer>comparingDouble(w -> idf[w]).thenComparingInt(w -> w))
                .limit(Math.max(0, n))
                .map(w -> new WordWeight(words.get(w), documentFrequency[w], idf[w]))
                .toList();
    }

    /**
     * Bytes held by the index's arrays: X (CSR) and its transpose, the counts, the document lengths and norms, df and
     * IDF per word (the vocabulary strings and their hash map aside). O(N + V + nnz), never N × V.
     */
    public long storedBytes() {
        return weights.storedBytes()
                + postings.storedBytes()
                + 4L * counts.length
                + 4L * lengths.length
                + 8L * norms.length
                + 4L * documentFrequency.length
                + 8L * idf.length;
    }

    private int known(String word) {
        int w = indexOf(word);
        if (w < 0) {
            throw new IllegalArgumentException("'" + word + "' occurs in none of the " + documents()
                    + " documents, so df = 0 and IDF is undefined");
        }
        return w;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /**
     * Collects documents one at a time (they are not kept: each is counted into the growing sparse arrays) and builds
     * the index. Optional: {@link #optWeighting} (default {@link Weighting#SHEET}), {@link #optTokenizer} (default
     * {@link Tokenizers#whitespace}).
     */
    public static final class Builder {
        private Weighting weighting = Weighting.SHEET;
        private Function<String, List<String>> tokenizer = Tokenizers::whitespace;
        private final List<String> words = new ArrayList<>();
        private final Map<String, Integer> ids = new HashMap<>();
        private final IntList df = new IntList();
        private final IntList lengths = new IntList();
        private final IntList indptr = new IntList();
        private final IntList indices = new IntList();
        private final IntList counts = new IntList();
        private boolean built;

        private Builder() {
            indptr.add(0);
        }

        /** The weighting (default {@link Weighting#SHEET}). */
        public Builder optWeighting(Weighting weighting) {
            this.weighting = Objects.requireNonNull(weighting, "weighting");
            return this;
        }

        /**
         * How texts (documents added as strings, and queries) become tokens (default {@link Tokenizers#whitespace}).
         * Set it before adding documents.
         */
        public Builder optTokenizer(Function<String, List<String>> tokenizer) {
            if (lengths.size > 0) {
                throw new IllegalStateException("set the tokenizer before adding documents");
            }
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /** Adds one document given as text (split by the tokenizer). */
        public Builder add(String text) {
            return addTokens(tokenizer.apply(text));
        }

        /** Adds every document of the stream, in order (one string per document); the stream is consumed here. */
        public Builder addAll(Stream<String> documents) {
            documents.forEachOrdered(this::add);
            return this;
        }

        /** Adds one document already split into tokens; an empty document is allowed (its vector is zero). */
        public Builder addTokens(List<String> tokens) {
            if (built) {
                throw new IllegalStateException("build() was called; start a new builder for another index");
            }
            int[] ws = new int[tokens.size()];
            for (int i = 0; i < ws.length; i++) {
                String t = tokens.get(i);
                Integer id = ids.get(t);
                if (id == null) {
                    id = words.size();
                    ids.put(t, id);
                    words.add(t);
                    df.add(0);
                }
                ws[i] = id;
            }
            Arrays.sort(ws);
            for (int i = 0; i < ws.length; ) {
                int j = i;
                while (j < ws.length && ws[j] == ws[i]) {
                    j++;
                }
                indices.add(ws[i]);
                counts.add(j - i);
                df.data[ws[i]]++;
                i = j;
            }
            if (indices.size < 0) {
                throw new IllegalStateException("more than 2^31 - 1 stored entries");
            }
            indptr.add(indices.size);
            lengths.add(ws.length);
            return this;
        }

        /** The number of documents added so far. */
        public int documents() {
            return lengths.size;
        }

        /** Builds the index; fails for an empty collection. */
        public TfIdfIndex build() {
            TfIdfIndex index = new TfIdfIndex(this);
            built = true;
            return index;
        }
    }

    /** A growable int array (no boxing: the builder appends one int per stored entry). */
    private static final class IntList {
        int[] data = new int[16];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length + (data.length >> 1));
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}

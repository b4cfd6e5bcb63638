package org.sheetlab.text.word2vec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.sheetlab.text.embedding.WordEmbeddings;

/**
 * Skip-gram word2vec with negative sampling (sheet section "Word2Vec Skip-Gram"), the algorithm of the original C tool
 * (word2vec.c, Mikolov et al. 2013, {@code -cbow 0 -hs 0 -negative k}) in plain Java arrays: sheetlab's fast trainer,
 * the one {@code scripts/bench word2vec} measures against that tool and gensim.
 *
 * <p>What it does, step for step as word2vec.c does it:
 * <ul>
 *   <li>Vocabulary: words with count ≥ minCount, by descending count; row 0 is the line end {@code </s>} (count = the
 *       number of lines), which ends a sentence and is never trained (it is left out of the returned table). T = the
 *       number of kept tokens, line ends included.</li>
 *   <li>Sub-sampling: a token of a word with count c is kept with probability
 *       {@code keep(c) = (sqrt(c / (s·T)) + 1) · s·T / c} (s = {@code sample}; no sub-sampling when s = 0).</li>
 *   <li>Learning rate: {@code α = α0 · (1 − seen / (epochs·T + 1))}, at least {@code α0 · 1e-4}, where seen counts the
 *       tokens read so far by all threads, refreshed every 10 000 tokens of a thread.</li>
 *   <li>Window: for each center word a random shrink b ∈ [0, window) and the contexts at offsets
 *       {@code −(window−b) … window−b} except 0, within the sentence (at most 1000 kept tokens, cut at a line end).</li>
 *   <li>Update for a (context u, center w) pair, vectors x = syn0[u] (input, d floats) and y_t = syn1neg[t]
 *       (output): for the target t = w with label 1 and k negatives t ~ unigram^0.75 table with label 0 (a draw
 *       equal to w is skipped), {@code g = (label − σ(x·y_t))·α}; {@code e += g·y_t}; {@code y_t += g·x}; then
 *       {@code x += e}. σ is word2vec.c's table of 1000 sigmoid values on [−6, 6) (index ⌊(f + 6)·83⌋), and
 *       g = (label − 1)·α above 6, label·α below −6.</li>
 *   <li>Initialisation: syn0 uniform in [−0.5/d, 0.5/d) from word2vec.c's linear congruential generator, syn1neg
 *       zero; all randomness is that generator ({@code r ← r·25214903917 + 11}), seeded with the seed (+ thread id).</li>
 *   <li>Threads: Hogwild, as word2vec.c: the token stream is cut into one contiguous chunk per thread, each thread
 *       makes its epochs over its chunk and updates the shared tables without locks. With one thread the result is
 *       a deterministic function of the corpus and the seed.</li>
 * </ul>
 *
 * <p>Differences from word2vec.c, none in the mathematics: the corpus is read once and held as word ids (4 bytes a
 * token) instead of being re-read from the file each epoch; chunks are cut at token positions rather than byte
 * offsets; the unigram table has {@code tableSize} entries (default 10^7 instead of 10^8: 40 MB, the same
 * distribution to within 10^-7 per word); ties in the count order are broken alphabetically; dot products sum in four
 * partial sums (a different rounding, and the main reason it is faster than the compiled C, whose single-sum loop
 * gcc cannot reorder).
 *
 * <p>Shapes: syn0 and syn1neg are V × d floats, row-major; the result is syn0 without the {@code </s>} row.
 */
public final class FastSkipGram {
    /** word2vec.c's EXP_TABLE_SIZE, MAX_EXP and the index scale EXP_TABLE_SIZE / MAX_EXP / 2 in integer arithmetic. */
    static final int EXP_TABLE_SIZE = 1000;

    static final int MAX_EXP = 6;
    static final int EXP_SCALE = EXP_TABLE_SIZE / MAX_EXP / 2; // 83, as in the C tool
    static final int MAX_SENTENCE_LENGTH = 1000;
    /** The line-end token: row 0 of the vocabulary. */
    public static final String LINE_END = "</s>";

    private static final float[] EXP_TABLE = expTable();

    /**
     * Whether the JVM runs with {@code --add-modules jdk.incubator.vector}: then the dot products and updates use the
     * Vector API ({@link VectorKernels}); otherwise scalar loops (the update loops vectorised by the JIT, the dot
     * product in four partial sums). {@code -Dsheetlab.word2vec.vectorApi=false} forces the scalar loops.
     */
    public static final boolean VECTOR_API =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("sheetlab.word2vec.vectorApi"));

    private final int dimension;
    private final int window;
    private final int negative;
    private final double sample;
    private final int minCount;
    private final int epochs;
    private final float alpha;
    private final int threads;
    private final long seed;
    private final int tableSize;

    private FastSkipGram(Builder b) {
        this.dimension = b.dimension;
        this.window = b.window;
        this.negative = b.negative;
        this.sample = b.sample;
        this.minCount = b.minCount;
        this.epochs = b.epochs;
        this.alpha = b.alpha;
        this.threads = b.threads;
        this.seed = b.seed;
        this.tableSize = b.tableSize;
    }

    /** The C tool's defaults for skip-gram: d = 100, window 5, 5 negatives, sample 1e-3, min count 5, 5 epochs. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads {@code file} (tokens separated by spaces, one sentence/document a line) and trains on it. */
    public WordEmbeddings fit(Path file) {
        return train(Corpus.read(file, minCount));
    }

    /** The minimum count this trainer's vocabulary uses (for {@link Corpus#read}). */
    public int minCount() {
        return minCount;
    }

    /** Trains on a corpus read with {@link Corpus#read} or made with {@link Corpus#of}; returns syn0 without {@code </s>}. */
    public WordEmbeddings train(Corpus corpus) {
        int v = corpus.words.size();
        if (v < 2) {
            throw new IllegalArgumentException("the corpus has no word with at least " + corpus.minCount
                    + " occurrences; use a larger corpus or a smaller minCount");
        }
        float[] syn0 = initialSyn0(v, dimension, seed);
        float[] syn1neg = new float[v * dimension];
        int[] table = unigramTable(corpus.counts, tableSize);
        float[] keep = keepProbabilities(corpus.counts, sample, corpus.tokens.length);
        AtomicLong seen = new AtomicLong();
        long total = (long) epochs * corpus.tokens.length;
        Thread[] running = new Thread[threads];
        for (int id = 0; id < threads; id++) {
            int from = (int) ((long) corpus.tokens.length * id / threads);
            int to = (int) ((long) corpus.tokens.length * (id + 1) / threads);
            long workerSeed = seed + id;
            // each worker is allocated by its own thread (its own allocation buffer), so the generators and error
            // buffers of two threads never share a cache line
            running[id] = new Thread(
                    () -> new Worker(syn0, syn1neg, dimension, table, negative, workerSeed)
                            .run(corpus.tokens, from, to, keep, window, epochs, alpha, seen, total),
                    "FastSkipGram-" + id);
        }
        for (Thread t : running) {
            t.start();
        }
        try {
            for (Thread t : running) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        }
        return new WordEmbeddings(
                corpus.words.subList(1, v), Arrays.copyOfRange(syn0, dimension, v * dimension), dimension);
    }

    /** word2vec.c's sigmoid table: entry i = σ((i / 1000 · 2 − 1) · 6). */
    private static float[] expTable() {
        float[] t = new float[EXP_TABLE_SIZE + 1];
        for (int i = 0; i < EXP_TABLE_SIZE; i++) {
            double e = Math.exp((i / (double) EXP_TABLE_SIZE * 2 - 1) * MAX_EXP);
            t[i] = (float) (e / (e + 1));
        }
        return t;
    }

    /** σ(f) as word2vec.c reads it from its table, for −6 &lt; f &lt; 6. */
    static float tableSigmoid(float f) {
        return EXP_TABLE[(int) ((f + MAX_EXP) * EXP_SCALE)];
    }

    /** The learning rate after {@code seen} of {@code total} tokens: α0·(1 − seen/(total + 1)), at least α0·1e-4. */
    static float learningRate(float alpha0, long seen, long total) {
        float a = alpha0 * (1 - seen / (float) (total + 1));
        return Math.max(a, alpha0 * 0.0001f);
    }

    /**
     * The probability of keeping a token of a word with count c among T tokens: (sqrt(c/(s·T)) + 1)·s·T/c (above 1 =
     * always kept); an empty array when s = 0 (no sub-sampling, no draws).
     */
    static float[] keepProbabilities(long[] counts, double sample, long totalTokens) {
        if (sample <= 0) {
            return new float[0];
        }
        float[] keep = new float[counts.length];
        double st = sample * totalTokens;
        for (int i = 0; i < counts.length; i++) {
            keep[i] = (float) ((Math.sqrt(counts[i] / st) + 1) * st / counts[i]);
        }
        return keep;
    }

    /** word2vec.c's InitUnigramTable: word i fills a share count_i^0.75 / Σ count^0.75 of the table. */
    static int[] unigramTable(long[] counts, int size) {
        double power = 0.75;
        double sum = 0;
        for (long c : counts) {
            sum += Math.pow(c, power);
        }
        int[] table = new int[size];
        int i = 0;
        double d1 = Math.pow(counts[0], power) / sum;
        for (int a = 0; a < size; a++) {
            table[a] = i;
            if (a / (double) size > d1) {
                i++;
                d1 += i < counts.length ? Math.pow(counts[i], power) / sum : 0;
            }
            if (i >= counts.length) {
                i = counts.length - 1;
            }
        }
        return table;
    }

    /** word2vec.c's InitNet for syn0: (r &amp; 0xFFFF)/65536 − 0.5, over d, r from the generator seeded with seed. */
    static float[] initialSyn0(int v, int d, long seed) {
        float[] syn0 = new float[v * d];
        long r = seed;
        for (int i = 0; i < syn0.length; i++) {
            r = r * 25214903917L + 11;
            syn0[i] = (((r & 0xFFFF) / 65536f) - 0.5f) / d;
        }
        return syn0;
    }

    /** One training thread: its generator, its error buffer e, and the shared tables. */
    static final class Worker {
        private final float[] syn0;
        private final float[] syn1neg;
        private final int d;
        private final int[] table;
        private final int negative;
        private final float[] neu1e;
        private final int vocabularySize;
        long nextRandom;
        float alpha;

        Worker(float[] syn0, float[] syn1neg, int d, int[] table, int negative, long seed) {
            this.syn0 = syn0;
            this.syn1neg = syn1neg;
            this.d = d;
            this.table = table;
            this.negative = negative;
            this.neu1e = new float[d];
            this.vocabularySize = syn0.length / d;
            this.nextRandom = seed;
        }

        private long next() {
            nextRandom = nextRandom * 25214903917L + 11;
            return nextRandom;
        }

        /** The epochs over tokens[from, to), as word2vec.c's TrainModelThread with cbow 0, hs 0. */
        void run(
                int[] tokens,
                int from,
                int to,
                float[] keep,
                int window,
                int epochs,
                float alpha0,
                AtomicLong seen,
                long total) {
            int[] sen = new int[MAX_SENTENCE_LENGTH + 1];
            boolean subsample = keep.length > 0;
            alpha = alpha0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                int pos = from;
                long wordCount = 0;
                long lastWordCount = 0;
                while (pos < to) {
                    if (wordCount - lastWordCount > 10000) {
                        long all = seen.addAndGet(wordCount - lastWordCount);
                        lastWordCount = wordCount;
                        alpha = learningRate(alpha0, all, total);
                    }
                    // a sentence: kept tokens up to a line end or 1000 of them
                    int length = 0;
                    while (pos < to) {
                        int word = tokens[pos++];
                        wordCount++;
                        if (word == 0) {
                            break;
                        }
                        if (subsample && keep[word] < (next() & 0xFFFF) / 65536f) {
                            continue;
                        }
                        sen[length++] = word;
                        if (length >= MAX_SENTENCE_LENGTH) {
                            break;
                        }
                    }
                    for (int p = 0; p < length; p++) {
                        int b = (int) Long.remainderUnsigned(next(), window);
                        int word = sen[p];
                        for (int a = b; a < window * 2 + 1 - b; a++) {
                            if (a == window) {
                                continue;
                            }
                            int c = p - window + a;
                            if (c < 0 || c >= length) {
                                continue;
                            }
                            trainPair(sen[c], word);
                        }
                    }
                }
                seen.addAndGet(wordCount - lastWordCount);
            }
        }

        /**
         * One (context, center) pair: the positive target {@code center} and {@code negative} draws from the table,
         * each g = (label − σ(x·y))·α, e += g·y, y += g·x; then x += e (x = syn0[context], y = syn1neg[target]).
         */
        void trainPair(int context, int center) {
            final int n = d;
            final float[] s0 = syn0;
            final float[] s1 = syn1neg;
            final float[] e = neu1e;
            final int l1 = context * n;
            Arrays.fill(e, 0f);
            for (int k = 0; k <= negative; k++) {
                int target;
                int label;
                if (k == 0) {
                    target = center;
                    label = 1;
                } else {
                    long r = next();
                    target = table[(int) ((r >>> 16) % table.length)];
                    if (target == 0) {
                        target = (int) (Long.remainderUnsigned(r, vocabularySize - 1) + 1);
                    }
                    if (target == center) {
                        continue;
                    }
                    label = 0;
                }
                final int l2 = target * n;
                float f = VECTOR_API ? VectorKernels.dot(s0, l1, s1, l2, n) : dot(s0, l1, s1, l2, n);
                float g;
                if (f > MAX_EXP) {
                    g = (label - 1) * alpha;
                } else if (f < -MAX_EXP) {
                    g = label * alpha;
                } else {
                    g = (label - EXP_TABLE[(int) ((f + MAX_EXP) * EXP_SCALE)]) * alpha;
                }
                if (VECTOR_API) {
                    VectorKernels.axpy(g, s1, l2, e, 0, n);
                    VectorKernels.axpy(g, s0, l1, s1, l2, n);
                } else {
                    for (int c = 0; c < n; c++) {
                        e[c] += g * s1[l2 + c];
                    }
                    for (int c = 0; c < n; c++) {
                        s1[l2 + c] += g * s0[l1 + c];
                    }
                }
            }
            for (int c = 0; c < n; c++) {
                s0[l1 + c] += e[c];
            }
        }

        /** x·y over n floats in four partial sums (independent chains the CPU overlaps). */
        static float dot(float[] x, int i, float[] y, int j, int n) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int c = 0;
            for (; c + 3 < n; c += 4) {
                s0 += x[i + c] * y[j + c];
                s1 += x[i + c + 1] * y[j + c + 1];
                s2 += x[i + c + 2] * y[j + c + 2];
                s3 += x[i + c + 3] * y[j + c + 3];
            }
            for (; c < n; c++) {
                s0 += x[i + c] * y[j + c];
            }
            return (s0 + s1) + (s2 + s3);
        }
    }

    /**
     * A corpus as the trainer reads it: the vocabulary (row 0 {@code </s>}, then words with count ≥ minCount by
     * descending count, ties alphabetically), their counts, and the token stream as word ids (0 = line end; words
     * below minCount dropped, as word2vec.c drops them).
     */
    public static final class Corpus {
        final List<String> words;
        final long[] counts;
        final int[] tokens;
        final int minCount;

        private Corpus(List<String> words, long[] counts, int[] tokens, int minCount) {
            this.words = words;
            this.counts = counts;
            this.tokens = tokens;
            this.minCount = minCount;
        }

        /** The vocabulary, {@code </s>} first. */
        public List<String> words() {
            return words;
        }

        /** T: the kept tokens, line ends included (the figure word2vec.c calls train_words). */
        public int tokenCount() {
            return tokens.length;
        }

        /** Reads a text file: tokens separated by spaces (or tabs), one sentence (document) a line, UTF-8. */
        public static Corpus read(Path file, int minCount) {
            Builder b = new Builder(minCount);
            // UTF-8 with malformed bytes replaced (word2vec.c reads bytes; a stray byte should not stop training)
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = in.readLine()) != null) {
                    b.line(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the corpus " + file + ": " + e.getMessage(), e);
            }
            return b.build();
        }

        /** A corpus of sentences given as token lists (for tests and small inputs). */
        public static Corpus of(List<List<String>> sentences, int minCount) {
            Builder b = new Builder(minCount);
            for (List<String> s : sentences) {
                b.line(String.join(" ", s));
            }
            return b.build();
        }

        /** Counts words and records the stream in provisional ids, then keeps the frequent ones in count order. */
        private static final class Builder {
            private final int minCount;
            private final Map<String, Integer> ids = new HashMap<>(1 << 20);
            private final List<String> names = new ArrayList<>();
            private long[] counts = new long[1 << 16];
            private int[] stream = new int[1 << 20];
            private int size;
            private long lines;

            Builder(int minCount) {
                if (minCount < 1) {
                    throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
                }
                this.minCount = minCount;
            }

            void line(String line) {
                int n = line.length();
                int start = -1;
                for (int i = 0; i <= n; i++) {
                    char ch = i < n ? line.charAt(i) : ' ';
                    boolean space = ch == ' ' || ch == '\t' || ch == '\r';
                    if (!space && start < 0) {
                        start = i;
                    } else if (space && start >= 0) {
                        add(line.substring(start, i));
                        start = -1;
                    }
                }
                push(-1);
                lines++;
            }

            private void add(String word) {
                if (word.equals(LINE_END)) { // word2vec.c reads the token </s> as a line end too
                    push(-1);
                    lines++;
                    return;
                }
                Integer id = ids.get(word);
                if (id == null) {
                    id = names.size();
                    ids.put(word, id);
                    names.add(word);
                    if (id == counts.length) {
                        counts = Arrays.copyOf(counts, counts.length * 2);
                    }
                }
                counts[id]++;
                push(id);
            }

            private void push(int id) {
                if (size == stream.length) {
                    if (stream.length == Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException("the corpus has more than 2^31 tokens; train on a part");
                    }
                    stream = Arrays.copyOf(stream, (int) Math.min(Integer.MAX_VALUE - 8, stream.length * 2L));
                }
                stream[size++] = id;
            }

            Corpus build() {
                Integer[] order = new Integer[names.size()];
                int kept = 0;
                for (int i = 0; i < names.size(); i++) {
                    if (counts[i] >= minCount) {
                        order[kept++] = i;
                    }
                }
                Arrays.sort(
                        order,
                        0,
                        kept,
                        Comparator.<Integer>comparingLong(i -> -counts[i]).thenComparing(i -> names.get(i)));
                int[] remap = new int[names.size()];
                Arrays.fill(remap, -1);
                List<String> words = new ArrayList<>(kept + 1);
                long[] kc = new long[kept + 1];
                words.add(LINE_END);
                kc[0] = lines;
                for (int r = 0; r < kept; r++) {
                    remap[order[r]] = r + 1;
                    words.add(names.get(order[r]));
                    kc[r + 1] = counts[order[r]];
                }
                int n = 0;
                for (int i = 0; i < size; i++) {
                    int id = stream[i];
                    int mapped = id < 0 ? 0 : remap[id];
                    if (mapped >= 0) {
                        stream[n++] = mapped;
                    }
                }
                return new Corpus(List.copyOf(words), kc, Arrays.copyOf(stream, n), minCount);
            }
        }
    }

    /** The hyper-parameters, with word2vec.c's defaults for skip-gram. */
    public static final class Builder {
        private int dimension = 100;
        private int window = 5;
        private int negative = 5;
        private double sample = 1e-3;
        private int minCount = 5;
        private int epochs = 5;
        private float alpha = 0.025f;
        private int threads = 1;
        private long seed = 1;
        private int tableSize = 10_000_000;

        /** d, the vector length (-size). */
        public Builder dimension(int d) {
            this.dimension = positive("dimension", d);
            return this;
        }

        /** The largest context offset (-window). */
        public Builder window(int w) {
            this.window = positive("window", w);
            return this;
        }

        /** Negative samples per pair (-negative), at least 1. */
        public Builder negative(int k) {
            this.negative = positive("negative", k);
            return this;
        }

        /** The sub-sampling threshold s (-sample); 0 = none. */
        public Builder sample(double s) {
            if (!(s >= 0)) {
                throw new IllegalArgumentException("sample must be ≥ 0 (0 = no sub-sampling), got " + s);
            }
            this.sample = s;
            return this;
        }

        /** Words occurring fewer times are dropped (-min-count). */
        public Builder minCount(int m) {
            this.minCount = positive("minCount", m);
            return this;
        }

        /** Passes over the corpus (-iter). */
        public Builder epochs(int e) {
            this.epochs = positive("epochs", e);
            return this;
        }

        /** The starting learning rate α0 (-alpha). */
        public Builder alpha(double a) {
            if (!(a > 0)) {
                throw new IllegalArgumentException("alpha must be > 0, got " + a);
            }
            this.alpha = (float) a;
            return this;
        }

        /** Hogwild threads (-threads); one thread gives a deterministic result. */
        public Builder threads(int t) {
            this.threads = positive("threads", t);
            return this;
        }

        /** The generator's seed (word2vec.c: 1 for the initial vectors, the thread id for the training draws). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Entries of the unigram^0.75 table (word2vec.c: 10^8). */
        public Builder tableSize(int n) {
            this.tableSize = positive("tableSize", n);
            return this;
        }

        public FastSkipGram build() {
            return new FastSkipGram(this);
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, got " + value);
            }
            return value;
        }
    }
}

package org.sheetlab.text.word2vec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.models.embeddings.inmemory.InMemoryLookupTable;
import org.deeplearning4j.models.embeddings.loader.VectorsConfiguration;
import org.deeplearning4j.models.sequencevectors.interfaces.VectorsListener;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.models.word2vec.wordstore.VocabCache;
import org.deeplearning4j.text.sentenceiterator.BasicLineIterator;
import org.deeplearning4j.text.sentenceiterator.SentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.text.embedding.WordEmbeddings;

/**
 * Skip-gram word2vec with k negative samples (sheet section "Word2Vec Skip-Gram"), trained by DL4J's {@link Word2Vec}
 * (deeplearning4j-nlp) and returned as {@link WordEmbeddings}.
 *
 * <p>For each target word t of a sentence and each context word c within a random window of up to {@code window}
 * words on either side, training maximises
 *
 * <pre>
 *   log σ(t·c) + Σ_{i=1..k} log σ(−t·n_i),     P(+ | t, c) = σ(t·c)
 * </pre>
 *
 * <p>by SGD with a learning rate decaying linearly from {@code learningRate} to {@code minLearningRate}, where t is the
 * target's input vector (a row of syn0, the embedding returned), c and n_i are output vectors (rows of syn1Neg) and the
 * k negatives n_i are drawn from the noise distribution P_n(w) = count(w)^(3/4) / Z ({@link NoiseDistribution}; DL4J's
 * table of 10^5 cells, {@code InMemoryLookupTable.makeTable(max(expTable, 100000), 0.75)}). Frequent words are
 * sub-sampled first with the C tool's formula ({@link SubSampling}). Shapes: syn0 and syn1Neg are V × d.
 *
 * <p>DL4J's Word2Vec defaults to hierarchical softmax with no negatives; this builder always sets
 * {@code useHierarchicSoftmax(false)}, {@code negativeSample(k)} and {@code elementsLearningAlgorithm(SkipGram)}, and
 * {@link Trained#configuration()} shows what DL4J actually used. The documents file is streamed line by line
 * ({@link BasicLineIterator}, one sentence per line, tokens split on whitespace by {@link DefaultTokenizerFactory}, no
 * other preprocessing: the corpus is expected lower-cased and tokenised already).
 *
 * <p>With more than one worker, DL4J's Hogwild-style threads make the result depend on scheduling: the seed fixes the
 * initial vectors and the random streams, not the order of updates.
 */
public final class SkipGram {
    /** DL4J's name for its skip-gram elements learning algorithm. */
    public static final String DL4J_SKIP_GRAM =
            "org.deeplearning4j.models.embeddings.learning.impl.elements.SkipGram";

    private Path documents;
    private int layerSize = 100;
    private int window = 5;
    private int negative = 5;
    private double sampling = 1e-3;
    private int minWordFrequency = 5;
    private int epochs = 1;
    private double learningRate = 0.025;
    private double minLearningRate = 1e-4;
    private long seed = 42;
    private int workers = Runtime.getRuntime().availableProcessors();
    private int batchSize = 512;
    private final List<VectorsListener<VocabWord>> listeners = new ArrayList<>();

    private SkipGram() {}

    public static SkipGram builder() {
        return new SkipGram();
    }

    /** Required: the corpus, one sentence (document) per line, tokens separated by single spaces. */
    public SkipGram setDocuments(Path documents) {
        this.documents = documents;
        return this;
    }

    /** d, the vector length (default 100). */
    public SkipGram optLayerSize(int d) {
        this.layerSize = d;
        return this;
    }

    /** The maximum window on each side (default 5; each target draws its window uniformly from 1..window). */
    public SkipGram optWindow(int window) {
        this.window = window;
        return this;
    }

    /** k, negatives per (target, context) pair (default 5), at least 1. */
    public SkipGram optNegative(int k) {
        this.negative = k;
        return this;
    }

    /** The sub-sampling threshold t ({@link SubSampling}; default 10^-3, 0 = off). */
    public SkipGram optSampling(double t) {
        this.sampling = t;
        return this;
    }

    /** Words seen fewer times are dropped from the vocabulary (default 5, as word2vec.c's -min-count). */
    public SkipGram optMinWordFrequency(int n) {
        this.minWordFrequency = n;
        return this;
    }

    /** Passes over the corpus (default 1). */
    public SkipGram optEpochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    /** The starting learning rate α (default 0.025, word2vec.c's skip-gram default). */
    public SkipGram optLearningRate(double alpha) {
        this.learningRate = alpha;
        return this;
    }

    /** The floor of the linearly decaying learning rate (default 10^-4). */
    public SkipGram optMinLearningRate(double alpha) {
        this.minLearningRate = alpha;
        return this;
    }

    public SkipGram optSeed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Training threads (default: the number of cores). */
    public SkipGram optWorkers(int workers) {
        this.workers = workers;
        return this;
    }

    /** (target, context) pairs DL4J hands to its native skip-gram op at once (default 512, DL4J's). */
    public SkipGram optBatchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    /**
     * A DL4J listener, e.g. for {@code ListenerEvent.EPOCH} (called by the training thread after each pass over the
     * corpus, with the pass number).
     */
    public SkipGram optListener(VectorsListener<VocabWord> listener) {
        this.listeners.add(listener);
        return this;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The DL4J model this builder configures (not yet trained); {@link #train()} fits it. */
    public Word2Vec build() {
        check(documents != null, "setDocuments(path) is required: the corpus file, one sentence per line");
        check(Files.isRegularFile(documents), "documents file " + documents + " does not exist or is not a file");
        check(layerSize >= 1, "layerSize must be >= 1, got " + layerSize);
        check(window >= 1, "window must be >= 1, got " + window);
        check(negative >= 1, "negative (k) must be >= 1 for negative sampling, got " + negative);
        check(sampling >= 0, "sampling threshold must be >= 0 (0 = off), got " + sampling);
        check(minWordFrequency >= 1, "minWordFrequency must be >= 1, got " + minWordFrequency);
        check(epochs >= 1, "epochs must be >= 1, got " + epochs);
        check(learningRate > 0 && minLearningRate >= 0 && minLearningRate <= learningRate,
                "need 0 <= minLearningRate <= learningRate and learningRate > 0, got " + minLearningRate + " and "
                        + learningRate);
        check(workers >= 1, "workers must be >= 1, got " + workers);
        check(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
        SentenceIterator sentences;
        try {
            sentences = new BasicLineIterator(documents.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read documents file " + documents, e);
        }
        Word2Vec.Builder b = new Word2Vec.Builder();
        if (!listeners.isEmpty()) {
            b.setVectorsListeners(listeners);
        }
        return b.iterate(sentences)
                .tokenizerFactory(new DefaultTokenizerFactory())
                .elementsLearningAlgorithm(DL4J_SKIP_GRAM)
                .useHierarchicSoftmax(false)
                .negativeSample(negative)
                .sampling(sampling)
                .layerSize(layerSize)
                .windowSize(window)
                .minWordFrequency(minWordFrequency)
                .epochs(epochs)
                .iterations(1)
                .learningRate(learningRate)
                .minLearningRate(minLearningRate)
                .seed(seed)
                .workers(workers)
                .batchSize(batchSize)
                .build();
    }

    /** Builds the vocabulary and trains (both stream the documents file), timing the whole fit. */
    public Trained train() {
        Word2Vec model = build();
        long start = System.nanoTime();
        model.fit();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Trained(model, embeddings(model), seconds, epochs);
    }

    /** The V × d input vectors (syn0) of a fitted DL4J model, words in its vocabulary's index order. */
    public static WordEmbeddings embeddings(Word2Vec model) {
        VocabCache<VocabWord> vocab = model.getVocab();
        INDArray syn0 = ((InMemoryLookupTable<VocabWord>) model.getLookupTable()).getSyn0();
        int v = vocab.numWords();
        int d = (int) syn0.columns();
        List<String> words = new ArrayList<>(v);
        for (int i = 0; i < v; i++) {
            words.add(vocab.wordAtIndex(i));
        }
        INDArray rows = syn0.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, v),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        float[] table = rows.castTo(DataType.FLOAT).dup('c').data().asFloat();
        return new WordEmbeddings(words, table, d);
    }

    /**
     * A fitted model.
     *
     * @param model DL4J's model (vocabulary, lookup table with syn0, syn1Neg and the negative table)
     * @param embeddings its V × d input vectors
     * @param seconds the wall time of {@code fit()}: vocabulary pass plus training
     * @param epochs the passes trained
     */
    public record Trained(Word2Vec model, WordEmbeddings embeddings, double seconds, int epochs) {
        /** What DL4J trained with (algorithm, hierarchical softmax, negatives, sampling, window, ...). */
        public VectorsConfiguration configuration() {
            return model.getConfiguration();
        }

        /** N, the corpus words counted in the vocabulary (words below minWordFrequency excluded). */
        public long corpusWords() {
            return model.getVocab().totalWordOccurrences();
        }

        /** Training throughput: N · epochs / seconds (the C tool's "words/thread/sec" times threads). */
        public double wordsPerSecond() {
            return corpusWords() * (double) epochs / seconds;
        }
    }
}

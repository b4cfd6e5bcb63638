package org.sheetlab.experiments.word2vec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Semaphore;
import org.deeplearning4j.models.embeddings.inmemory.InMemoryLookupTable;
import org.deeplearning4j.models.sequencevectors.SequenceVectors;
import org.deeplearning4j.models.sequencevectors.enums.ListenerEvent;
import org.deeplearning4j.models.sequencevectors.interfaces.VectorsListener;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.models.word2vec.wordstore.VocabCache;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.data.text.AnalogyQuestions;
import org.sheetlab.text.embedding.Analogies;
import org.sheetlab.text.embedding.WordEmbeddings;
import org.sheetlab.text.word2vec.NoiseDistribution;
import org.sheetlab.text.word2vec.SkipGram;
import org.sheetlab.text.word2vec.SkipGramObjective;
import org.sheetlab.train.TrainingStep;

/**
 * DL4J's Word2Vec on the training harness: one harness epoch is one pass of DL4J's fit over the corpus. The fit runs
 * once, with all passes, on a daemon thread (so its learning rate decays linearly over all of them, as in word2vec.c);
 * a DL4J {@code EPOCH} listener pauses it after each pass until the harness has taken that pass's figures
 * ({@link #epochMetrics()}: the sampled loss −J, the analogy accuracy and coverage, words/s), then lets it continue.
 *
 * <p>The loss returned by {@link #fit} is −J of the sheet's objective ({@link SkipGramObjective}) averaged over up to
 * 20000 fixed (target, context) pairs from the first documents, with 1 fixed draw of k negatives each: comparable
 * across passes. The harness's network is the vectors as a DL4J {@link EmbeddingLayer} (V × d, no bias), refreshed
 * after every pass: checkpoints and {@code model.zip} hold it. A run cannot resume in the middle (DL4J's Word2Vec
 * keeps its training state in memory only).
 */
final class Word2VecStep implements TrainingStep {
    private static final int LOSS_PAIRS = 20_000;

    private final SkipGram builder;
    private final Path documents;
    private final int passes;
    private final int negative;
    private final int window;
    private final AnalogyQuestions questions;
    private final int restrict;
    private final long seed;

    private final Semaphore passDone = new Semaphore(0);
    private final Semaphore proceed = new Semaphore(0);
    private volatile Throwable failure;
    private Word2Vec model;
    private Thread trainer;
    private int pass;
    private long start;
    private long lastEvent;
    private final List<Double> passSeconds = new ArrayList<>();
    private MultiLayerNetwork network;
    private WordEmbeddings embeddings;
    private Analogies.Evaluation evaluation;
    private Map<String, Double> metrics = Map.of();
    private int[][] lossPairs;
    private NoiseDistribution noise;

    Word2VecStep(
            SkipGram builder,
            Path documents,
            int passes,
            int negative,
            int window,
            AnalogyQuestions questions,
            int restrict,
            long seed) {
        this.builder = builder;
        this.documents = documents;
        this.passes = passes;
        this.negative = negative;
        this.window = window;
        this.questions = questions;
        this.restrict = restrict;
        this.seed = seed;
    }

    /** The placeholder source: one batch per epoch (the batch is a pass over the corpus). */
    static DataSource onePassPerEpoch() {
        return new DataSource() {
            private boolean done;

            @Override
            public int batchesPerEpoch() {
                return 1;
            }

            @Override
            public void seek(int epoch, int batch) {
                DataSource.checkSeekTarget(epoch, batch, 1);
                done = batch == 1;
            }

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public MultiDataSet next() {
                if (done) {
                    throw new NoSuchElementException("end of the epoch");
                }
                done = true;
                INDArray one = Nd4j.zeros(DataType.FLOAT, 1, 1);
                return new org.nd4j.linalg.dataset.MultiDataSet(one, one);
            }

            @Override
            public int batchSize() {
                return 1;
            }
        };
    }

    @Override
    public double fit(MultiDataSet batch) {
        if (pass >= passes) {
            throw new IllegalStateException("word2vec: DL4J's fit has finished its " + passes + " passes");
        }
        if (trainer == null) {
            model = builder.optListener(new PassListener()).build();
            start = System.nanoTime();
            lastEvent = start;
            trainer = new Thread(this::runFit, "word2vec-fit");
            trainer.setDaemon(true);
            trainer.start();
        } else {
            proceed.release();
        }
        passDone.acquireUninterruptibly();
        if (failure != null) {
            throw new IllegalStateException("DL4J's Word2Vec failed in pass " + (pass + 1) + ": " + failure, failure);
        }
        pass++;
        if (pass == passes) {
            try {
                trainer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for DL4J's Word2Vec to finish", e);
            }
            if (failure != null) {
                throw new IllegalStateException("DL4J's Word2Vec failed after its last pass: " + failure, failure);
            }
        }
        embeddings = SkipGram.embeddings(model);
        if (lossPairs == null) {
            prepareLoss();
        }
        float[] output = ((InMemoryLookupTable<VocabWord>) model.getLookupTable())
                .getSyn1Neg()
                .castTo(DataType.FLOAT)
                .dup('c')
                .data()
                .asFloat();
        double loss = SkipGramObjective.meanLoss(
                embeddings.table(), output, embeddings.dimension(), lossPairs, noise, negative, seed);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("sampledLoss", loss);
        if (questions != null) {
            evaluation = new Analogies(embeddings).evaluate(questions, restrict);
            m.put("analogyAccuracy", evaluation.accuracy());
            m.put("analogyCoverage", evaluation.coverage());
        }
        m.put("passWordsPerSecond", corpusWords() / passSeconds.get(passSeconds.size() - 1));
        metrics = m;
        refreshNetwork();
        return loss;
    }

    private void runFit() {
        try {
            model.fit();
        } catch (Throwable t) {
            failure = t;
            passDone.release();
        }
    }

    /** DL4J's EPOCH event: record the pass time, hand over to the harness, wait unless it was the last pass. */
    private final class PassListener implements VectorsListener<VocabWord> {
        private int seen;

        @Override
        public boolean validateEvent(ListenerEvent event, long argument) {
            return event == ListenerEvent.EPOCH;
        }

        @Override
        public void processEvent(ListenerEvent event, SequenceVectors<VocabWord> vectors, long argument) {
            long now = System.nanoTime();
            passSeconds.add((now - lastEvent) / 1e9);
            seen++;
            passDone.release();
            if (seen < passes) {
                proceed.acquireUninterruptibly();
            }
            lastEvent = System.nanoTime();
        }
    }

    /** Pairs (target, context) within the window from the first documents, for the sampled loss; the noise table. */
    private void prepareLoss() {
        VocabCache<VocabWord> vocab = model.getVocab();
        List<int[]> pairs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(documents, StandardCharsets.UTF_8)) {
            String line;
            while (pairs.size() < LOSS_PAIRS && (line = in.readLine()) != null) {
                String[] tokens = line.split(" ");
                int[] ids = new int[tokens.length];
                for (int i = 0; i < tokens.length; i++) {
                    ids[i] = vocab.indexOf(tokens[i]);
                }
                for (int i = 0; i < ids.length && pairs.size() < LOSS_PAIRS; i++) {
                    for (int j = Math.max(0, i - window); j <= Math.min(ids.length - 1, i + window); j++) {
                        if (j != i && ids[i] >= 0 && ids[j] >= 0 && ids[i] != ids[j] && pairs.size() < LOSS_PAIRS) {
                            pairs.add(new int[] {ids[i], ids[j]});
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + documents, e);
        }
        if (pairs.isEmpty()) {
            throw new IllegalStateException("word2vec: no (target, context) pair of vocabulary words in " + documents);
        }
        lossPairs = pairs.toArray(int[][]::new);
        long[] counts = new long[vocab.numWords()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = Math.max(1, (long) vocab.wordFrequency(vocab.wordAtIndex(i)));
        }
        noise = NoiseDistribution.unigramPow(counts, Math.max(1_000_000, counts.length));
    }

    private void refreshNetwork() {
        int v = embeddings.size();
        int d = embeddings.dimension();
        if (network == null) {
            network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(seed)
                    .dataType(DataType.FLOAT)
                    .list()
                    .layer(new EmbeddingLayer.Builder()
                            .nIn(v)
                            .nOut(d)
                            .hasBias(false)
                            .activation(Activation.IDENTITY)
                            .build())
                    .build());
            network.init();
        }
        network.getLayer(0)
                .setParam("W", Nd4j.createFromArray(embeddings.table()).reshape(v, d));
    }

    @Override
    public Map<String, Double> epochMetrics() {
        return metrics;
    }

    @Override
    public Map<String, Model> networks() {
        if (network == null) {
            throw new IllegalStateException("word2vec: no vectors before the first pass");
        }
        return Map.of("embedding", network);
    }

    @Override
    public void restore(Map<String, Model> networks) {
        throw new UnsupportedOperationException("word2vec cannot resume a run: DL4J's Word2Vec keeps its training state"
                + " (vocabulary, syn1Neg, learning-rate schedule) in memory only. Start a new run without --resume");
    }

    WordEmbeddings embeddings() {
        return embeddings;
    }

    Analogies.Evaluation evaluation() {
        return evaluation;
    }

    Word2Vec model() {
        return model;
    }

    List<Double> passSeconds() {
        return List.copyOf(passSeconds);
    }

    /** N, the words of the corpus counted in the vocabulary (min-count applied). */
    long corpusWords() {
        return model.getVocab().totalWordOccurrences();
    }

    /** Wall seconds from the start of DL4J's fit (vocabulary pass included) to the end of the last pass trained. */
    double totalSeconds() {
        return passSeconds.stream().mapToDouble(Double::doubleValue).sum();
    }
}

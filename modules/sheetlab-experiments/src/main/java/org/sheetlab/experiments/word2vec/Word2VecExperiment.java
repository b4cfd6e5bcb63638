package org.sheetlab.experiments.word2vec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sheetlab.data.text.AnalogyQuestions;
import org.sheetlab.data.text.TextCorpus;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.text.embedding.Analogies;
import org.sheetlab.text.embedding.Projection;
import org.sheetlab.text.embedding.Word2VecFormat;
import org.sheetlab.text.embedding.WordEmbeddings;
import org.sheetlab.text.word2vec.SkipGram;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, "Word2Vec Skip-Gram" and "Embedding Analogy": trains skip-gram with k negatives (DL4J's Word2Vec through
 * {@link SkipGram}) on the text corpus ({@link TextCorpus}, documents.txt streamed), one harness epoch per pass over
 * the corpus ({@code --epochs}), and reports the analogy accuracy per category of the corpus's questions-words set
 * (3CosAdd b − a + c over the {@code --restrict} most frequent words, query words excluded, questions with a word
 * outside them skipped and counted), the nearest neighbours of probe words, and a PCA plot of chosen words.
 *
 * <p>Headline: analogy accuracy, coverage (share of questions answered), and training words/s (corpus words × passes
 * / wall seconds of DL4J's fit, its vocabulary pass included). Files: {@code analogy.json} (per category),
 * {@code neighbours.txt}, {@code pca.png}, {@code vectors.bin} (word2vec binary format, loads in the C tool's
 * distance and gensim), {@code word2vec.json} (settings, per-pass seconds, corpus and vocabulary sizes), and the
 * harness's {@code metrics.json}/{@code curves.png} with the sampled loss −J and the accuracy per pass.
 */
@Command(
        name = "word2vec",
        mixinStandardHelpOptions = true,
        description = "Skip-gram word2vec with k negatives (DL4J's Word2Vec) on the text corpus: analogy accuracy per "
                + "category, nearest neighbours, PCA plot, vectors in word2vec binary format. --epochs = passes.")
public final class Word2VecExperiment extends Experiment<Word2VecExperiment.Options, Word2VecExperiment.Data, String> {
    /** Options: the skip-gram settings (word2vec.c's names in the descriptions) and the evaluation. */
    public static final class Options extends ExperimentOptions {
        @Option(names = "--dim", description = "Vector length d (word2vec.c -size; default: ${DEFAULT-VALUE}).")
        public int dim = 100;

        @Option(names = "--window", description = "Max window each side (-window; default: ${DEFAULT-VALUE}).")
        public int window = 5;

        @Option(names = "--negative", description = "k negatives per pair (-negative; default: ${DEFAULT-VALUE}).")
        public int negative = 5;

        @Option(
                names = "--sampling",
                description = "Sub-sampling threshold t (-sample; 0 = off; default: " + "${DEFAULT-VALUE}).")
        public double sampling = 1e-3;

        @Option(
                names = "--min-count",
                description = "Drop words seen fewer times (-min-count; default: " + "${DEFAULT-VALUE}).")
        public int minCount = 5;

        @Option(
                names = "--learning-rate",
                description = "Starting learning rate, decaying linearly to 1e-4 over all "
                        + "passes (-alpha; default: ${DEFAULT-VALUE}).")
        public double learningRate = 0.025;

        @Option(names = "--threads", description = "Training threads (-threads; default: the number of cores).")
        public int threads = Runtime.getRuntime().availableProcessors();

        @Option(
                names = "--restrict",
                description = "Analogy candidates: the R most frequent words (word2vec.c's "
                        + "compute-accuracy uses 30000; default: ${DEFAULT-VALUE}).")
        public int restrict = 30000;

        @Option(
                names = "--questions",
                description = "Analogy questions (questions-words.txt format; default: the " + "corpus's own).")
        public Path questions;

        @Option(
                names = "--probes",
                split = ",",
                description = "Words whose nearest neighbours are listed (default: " + "${DEFAULT-VALUE}).")
        public List<String> probes = List.of("king", "water", "good", "red", "music", "horse", "france", "three");

        @Option(
                names = "--plot-words",
                split = ",",
                description = "Words in the PCA plot (default: gendered pairs " + "and a few others).")
        public List<String> plotWords = List.of(
                "man",
                "woman",
                "king",
                "queen",
                "boy",
                "girl",
                "father",
                "mother",
                "son",
                "daughter",
                "brother",
                "sister",
                "husband",
                "wife",
                "uncle",
                "aunt",
                "prince",
                "princess");

        @Option(
                names = "--max-documents",
                description = "Train on the corpus's first N documents only (copied into"
                        + " the run folder; for quick runs; default: all; --max-batches N means at most N*1000).")
        public Integer maxDocuments;

        @Option(names = "--neighbours", description = "Neighbours listed per probe (default: ${DEFAULT-VALUE}).")
        public int neighbours = 8;

        public Options() {
            super(3, 1);
            loop.checkpointEvery = 0;
        }
    }

    /** The corpus and its analogy questions. */
    /**
     * The corpus, the documents file trained on (the corpus's, or its first {@code --max-documents} lines in the run
     * folder) and the analogy questions.
     */
    public record Data(
            TextCorpus corpus, Path documents, long documentCount, AnalogyQuestions questions, Path questionsPath) {}

    public Word2VecExperiment() {
        super(
                new Options(),
                Headline.of("analogyAccuracy", "analogy accuracy"),
                Headline.of("analogyCoverage", "coverage"),
                Headline.of("wordsPerSecond", "words/s", "%.0f"));
    }

    @Override
    protected void validate(Options o) {
        check(o.dim >= 1, "--dim must be >= 1, got " + o.dim);
        check(o.window >= 1, "--window must be >= 1, got " + o.window);
        check(o.negative >= 1, "--negative must be >= 1 (negative sampling), got " + o.negative);
        check(o.sampling >= 0, "--sampling must be >= 0 (0 = off), got " + o.sampling);
        check(o.minCount >= 1, "--min-count must be >= 1, got " + o.minCount);
        check(o.learningRate > 1e-4, "--learning-rate must be > 1e-4 (it decays to 1e-4), got " + o.learningRate);
        check(o.threads >= 1, "--threads must be >= 1, got " + o.threads);
        check(o.restrict >= 4, "--restrict must be >= 4, got " + o.restrict);
        check(o.maxDocuments == null || o.maxDocuments >= 1, "--max-documents must be >= 1, got " + o.maxDocuments);
        check(o.neighbours >= 1, "--neighbours must be >= 1, got " + o.neighbours);
    }

    @Override
    protected Data data(Options o, long seed, RunDirectory run) {
        TextCorpus corpus = TextCorpus.locateOrFetch(o.dataDir.value);
        Path questions = o.questions != null
                ? o.questions
                : corpus.questionsPath()
                        .orElseThrow(() -> new IllegalArgumentException("the corpus in " + corpus.dir() + " has no "
                                + TextCorpus.QUESTIONS + "; give an analogy set with --questions FILE"));
        AnalogyQuestions read = AnalogyQuestions.read(questions);
        Integer limit = documentLimit(o);
        if (limit == null) {
            return new Data(corpus, corpus.path(), corpus.documentCount(), read, questions);
        }
        Path first = run.resolve("documents.txt");
        long kept;
        try (Stream<String> docs = corpus.documents()) {
            List<String> lines = docs.limit(limit).toList();
            Files.write(first, lines, StandardCharsets.UTF_8);
            kept = lines.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + first, e);
        }
        return new Data(corpus, first, kept, read, questions);
    }

    /** Documents per harness batch under {@code --max-batches} (smoke runs). */
    static final int DOCUMENTS_PER_BATCH = 1000;

    /**
     * The documents trained on: all, {@code --max-documents}, or for a smoke run with {@code --max-batches N} the first
     * N·1000 (an epoch is one pass of DL4J over the documents, so the harness's batch limit becomes a document limit).
     */
    static Integer documentLimit(Options o) {
        Integer fromBatches = o.run.maxBatches == null ? null : o.run.maxBatches * DOCUMENTS_PER_BATCH;
        if (o.maxDocuments == null) {
            return fromBatches;
        }
        return fromBatches == null ? o.maxDocuments : Math.min(o.maxDocuments, fromBatches);
    }

    /** Batch size 1 whatever {@code --batch-size} says: the one "batch" of an epoch is a pass of DL4J's fit. */
    @Override
    protected TrainingConfig config(Options o, Data data) {
        return o.configBuilder().batchSize(1).build();
    }

    @Override
    protected Map<String, Object> describe(Data d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "dataset",
                String.format(
                        Locale.ROOT,
                        "text corpus %s: %d documents, %d tokens, %d words",
                        d.corpus().dir(),
                        d.corpus().documentCount(),
                        d.corpus().tokenCount(),
                        d.corpus().vocabularySize()));
        m.put("documents", d.documents().toString() + ": " + d.documentCount() + " documents");
        m.put(
                "analogyQuestions",
                d.questionsPath().toString() + ": " + d.questions().size() + " questions in "
                        + d.questions().categories().size() + " categories");
        return m;
    }

    @Override
    protected Trial trial(Context<Options, Data> c, String variant, RunDirectory folder) {
        Options o = c.options();
        SkipGram builder = SkipGram.builder()
                .setDocuments(c.data().documents())
                .optLayerSize(o.dim)
                .optWindow(o.window)
                .optNegative(o.negative)
                .optSampling(o.sampling)
                .optMinWordFrequency(o.minCount)
                .optEpochs(c.config().epochs())
                .optLearningRate(o.learningRate)
                .optSeed(c.seed())
                .optWorkers(o.threads);
        Word2VecStep step = new Word2VecStep(
                builder,
                c.data().documents(),
                c.config().epochs(),
                o.negative,
                o.window,
                c.data().questions(),
                o.restrict,
                c.seed());
        return Trial.of(step, null, Word2VecStep.onePassPerEpoch(), List.of());
    }

    @Override
    protected Map<String, Double> measure(
            Context<Options, Data> c, String variant, TrainingResult trained, RunDirectory folder) {
        Options o = c.options();
        Word2VecStep step = (Word2VecStep) trained.step();
        WordEmbeddings vectors = step.embeddings();
        Word2VecFormat.writeBinary(vectors, folder.resolve("vectors.bin"));
        Analogies search = new Analogies(vectors);
        Analogies.Evaluation eval = step.evaluation();
        folder.writeJson(
                "analogy.json",
                Map.of(
                        "restrict", eval.restrict(),
                        "accuracy", eval.accuracy(),
                        "coverage", eval.coverage(),
                        "correct", eval.correct(),
                        "answered", eval.answered(),
                        "skipped", eval.skipped(),
                        "categories", eval.categories()));
        folder.writeText("neighbours.txt", neighbours(search, o));
        Charts.writePng(folder, "pca.png", pcaPlot(search, o.plotWords));
        double words = step.corpusWords() * (double) step.passSeconds().size();
        double wordsPerSecond = words / step.totalSeconds();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(
                "algorithm",
                "skip-gram, negative sampling (DL4J Word2Vec "
                        + step.model().getConfiguration().getElementsLearningAlgorithm() + ", hierarchical softmax "
                        + step.model().getConfiguration().isUseHierarchicSoftmax() + ")");
        json.put("dim", o.dim);
        json.put("window", o.window);
        json.put("negative", o.negative);
        json.put("sampling", o.sampling);
        json.put("minCount", o.minCount);
        json.put("learningRate", o.learningRate);
        json.put("threads", o.threads);
        json.put("passes", step.passSeconds().size());
        json.put("vocabulary", vectors.size());
        json.put("corpusWords", step.corpusWords());
        json.put("passSeconds", step.passSeconds());
        json.put("wordsPerSecond", wordsPerSecond);
        folder.writeJson("word2vec.json", json);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("analogyAccuracy", eval.accuracy());
        m.put("analogyCoverage", eval.coverage());
        m.put("wordsPerSecond", wordsPerSecond);
        return m;
    }

    @Override
    protected Map<String, Object> finish(
            Context<Options, Data> c, List<Row> rows, Map<String, TrainingResult> results) {
        Word2VecStep step = (Word2VecStep) results.values().iterator().next().step();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("analogy", step.evaluation());
        m.put("vocabulary", step.embeddings().size());
        return m;
    }

    static String neighbours(Analogies search, Options o) {
        StringBuilder s = new StringBuilder();
        for (String probe : o.probes) {
            if (!search.embeddings().contains(probe)) {
                s.append(probe).append(": not in the vocabulary\n");
                continue;
            }
            s.append(probe).append(':');
            for (Analogies.Neighbour n : search.nearest(probe, o.neighbours)) {
                s.append(String.format(Locale.ROOT, " %s (%.3f)", n.word(), n.cosine()));
            }
            s.append('\n');
        }
        String[][] analogies = {{"man", "king", "woman"}, {"man", "boy", "woman"}, {"he", "his", "she"}};
        for (String[] q : analogies) {
            if (List.of(q).stream().allMatch(search.embeddings()::contains)) {
                s.append(String.format(Locale.ROOT, "%s : %s :: %s : ?", q[0], q[1], q[2]));
                for (Analogies.Neighbour n : search.analogy(q[0], q[1], q[2], 5)) {
                    s.append(String.format(Locale.ROOT, " %s (%.3f)", n.word(), n.cosine()));
                }
                s.append('\n');
            }
        }
        return s.toString();
    }

    /** The plot words in the vocabulary, projected on their first two principal components, each labelled. */
    static XYChart pcaPlot(Analogies search, List<String> plotWords) {
        List<String> words = new ArrayList<>();
        for (String w : plotWords) {
            if (search.embeddings().contains(w)) {
                words.add(w);
            }
        }
        if (words.size() < 2) { // a small corpus may lack them: plot the most frequent words instead
            words.clear();
            for (int i = 0; i < Math.min(20, search.embeddings().size()); i++) {
                words.add(search.embeddings().word(i));
            }
        }
        float[][] rows = new float[words.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = search.embeddings().vector(words.get(i));
        }
        double[] variance = new double[2];
        double[][] p = Projection.pca2(rows, variance);
        XYChart chart = Charts.chart(
                XYChart::new,
                900,
                700,
                "word vectors, first two principal components",
                String.format(Locale.ROOT, "PC1 (variance %.3g)", variance[0]),
                String.format(Locale.ROOT, "PC2 (variance %.3g)", variance[1]));
        double[] x = new double[p.length];
        double[] y = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            x[i] = p[i][0];
            y[i] = p[i][1];
            chart.addAnnotation(new AnnotationText(words.get(i), x[i], y[i], false));
        }
        XYSeries series = chart.addSeries("words", x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarker(SeriesMarkers.CIRCLE);
        chart.getStyler().setLegendVisible(false);
        return chart;
    }
}

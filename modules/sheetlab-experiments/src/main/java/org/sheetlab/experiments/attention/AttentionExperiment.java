package org.sheetlab.experiments.attention;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.source.SequencePairDataSource;
import org.sheetlab.data.text.Vocabulary;
import org.sheetlab.data.wordnet.WordNet;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.layers.attention.AttentionContextVertex;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.models.attention.Reversal;
import org.sheetlab.models.attention.Seq2SeqNetwork;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, Attention Mechanism: reversing real English words (WordNet 3.0's letters-only lemmas of 3 … L letters) with
 * an encoder–decoder ({@link Seq2SeqNetwork}), with additive attention and without (the decoder then sees the source
 * only through the encoder's last state). Words are split into training and test words (no word in both). Headline, per
 * variant: the share of test words reversed exactly by greedy decoding, and the teacher-forced next-character accuracy
 * and loss on the test words; the exact-reversal share per word length is in {@code accuracy-by-length.json} /
 * {@code .png} (and each variant's row, as {@code exactReversalLength<n>}). For the
 * attention model, {@code attention-<word>.png} shows α (decoder step × source position) for a few test words: a
 * reversal puts its weight on the anti-diagonal.
 */
@Command(
        name = "attention",
        mixinStandardHelpOptions = true,
        description = "Encoder-decoder with vs without additive attention, reversing WordNet words; heatmaps.")
public final class AttentionExperiment
        extends Experiment<AttentionExperiment.Options, AttentionExperiment.Words, Boolean> {
    /** Token 0 pads, token 1 starts the decoder, then a … z. */
    static final Vocabulary VOCABULARY = Reversal.VOCABULARY;

    static final int MIN_LENGTH = 3;
    static final String BY_LENGTH = "exactReversalLength";

    /** Options: run and loop options, word lengths, sizes, the learning rate and the data folder. */
    public static final class Options extends TrainedOptions {
        @Option(
                names = "--max-length",
                description = "Longest word L, also the sequence length (default: ${DEFAULT-VALUE}).")
        public int maxLength = 10;

        @Option(names = "--test-words", description = "Words held out for testing (default: ${DEFAULT-VALUE}).")
        public int testWords = 2000;

        @Option(names = "--train-words", description = "At most this many training words (default: all the rest).")
        public Integer trainWords;

        @Option(names = "--hidden", description = "GRU units h (default: ${DEFAULT-VALUE}).")
        public int hidden = 64;

        @Option(
                names = "--heatmaps",
                description = "Test words to draw attention heatmaps for (default: ${DEFAULT-VALUE}).")
        public int heatmaps = 4;

        public Options() {
            super(5, 64, 3e-3);
        }
    }

    /** The training and test words (disjoint, drawn from the run's seed) and the sequence length L. */
    public record Words(List<String> train, List<String> test, int steps) {}

    public AttentionExperiment() {
        super(
                new Options(),
                Headline.of("testExactReversal", "exact reversal"),
                Headline.of("testAccuracy", "teacher-forced accuracy"),
                Headline.TEST_LOSS);
    }

    @Override
    protected void validate(Options o) {
        check(o.maxLength >= MIN_LENGTH, "--max-length must be >= " + MIN_LENGTH + ", got " + o.maxLength);
        check(o.testWords >= 1, "--test-words must be >= 1, got " + o.testWords);
        check(o.hidden >= 1, "--hidden must be >= 1, got " + o.hidden);
        check(o.heatmaps >= 0, "--heatmaps must be >= 0, got " + o.heatmaps);
    }

    @Override
    protected List<Boolean> variants(Options o) {
        return List.of(true, false);
    }

    @Override
    protected String label(Boolean attention) {
        return attention ? "attention" : "no-attention";
    }

    @Override
    protected Words data(Options o, long seed, RunDirectory run) {
        List<String> words =
                new ArrayList<>(WordNet.loadOrFetch(o.dataDir.value).words(MIN_LENGTH, o.maxLength));
        Collections.shuffle(words, new Random(seed));
        if (words.size() <= o.testWords) {
            throw new IllegalArgumentException("--test-words " + o.testWords + " leaves no training words (WordNet has "
                    + words.size() + " words of " + MIN_LENGTH + "-" + o.maxLength + " letters)");
        }
        List<String> test = words.subList(0, o.testWords);
        List<String> train = words.subList(o.testWords, words.size());
        if (o.trainWords != null && o.trainWords < train.size()) {
            train = train.subList(0, Math.max(1, o.trainWords));
        }
        return new Words(train, test, o.maxLength);
    }

    @Override
    protected Map<String, Object> describe(Words w) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dataset", "WordNet 3.0 lemmas (Debian wordnet-base), letters only, " + MIN_LENGTH + "-" + w.steps());
        d.put("trainWords", w.train().size());
        d.put("testWords", w.test().size());
        return d;
    }

    @Override
    protected Trial trial(Context<Options, Words> c, Boolean attention, RunDirectory folder) {
        Words w = c.data();
        Seq2SeqNetwork.Builder b = Seq2SeqNetwork.builder()
                .setVocabularySize(VOCABULARY.size())
                .setSteps(w.steps())
                .optHidden(c.options().hidden)
                .optAttention(attention)
                .optSeed(c.seed())
                .optUpdater(new Adam(c.options().learningRate.get()));
        ComputationGraphConfiguration conf = b.build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return Trial.of(
                NetworkStep.of(graph),
                NetworkCounter.count(conf, b.inputType(), b.inputType()),
                pairs(w.train(), w.steps(), c.batchSize(), true, c.seed()),
                ExperimentRun.classification("test", pairs(w.test(), w.steps(), c.batchSize(), false, c.seed())));
    }

    /** Exact reversal by greedy decoding, overall and per word length; heatmaps for the attention model. */
    @Override
    protected Map<String, Double> measure(
            Context<Options, Words> c, Boolean attention, TrainingResult trained, RunDirectory folder) {
        Words w = c.data();
        ComputationGraph graph = (ComputationGraph) trained.model();
        List<String> decoded = Reversal.decodeAll(graph, w.test(), w.steps());
        Map<String, Double> values = new LinkedHashMap<>();
        Reversal.exactByLength(w.test(), decoded, w.steps())
                .forEach((len, share) -> values.put(BY_LENGTH + len, share));
        values.put("testExactReversal", Reversal.exact(w.test(), decoded, w.steps()));
        if (attention) {
            w.test().stream()
                    .filter(word -> word.length() >= Math.min(6, w.steps()))
                    .limit(c.options().heatmaps)
                    .forEach(word -> writeHeatmap(folder, graph, word, w.steps()));
        }
        return values;
    }

    /** {@code accuracy-by-length.json} and {@code .png}: exact reversal per word length, per variant. */
    @Override
    protected Map<String, Object> finish(
            Context<Options, Words> c, List<Row> rows, Map<String, TrainingResult> results) {
        Map<String, Map<Integer, Double>> byLength = new LinkedHashMap<>();
        for (Row r : rows) {
            Map<Integer, Double> m = new LinkedHashMap<>();
            r.values().forEach((k, v) -> {
                if (k.startsWith(BY_LENGTH)) {
                    m.put(Integer.parseInt(k.substring(BY_LENGTH.length())), v);
                }
            });
            byLength.put(r.variant(), m);
        }
        c.run()
                .writeJson(
                        "accuracy-by-length.json",
                        Map.of(
                                "what",
                                "share of test words reversed exactly by greedy decoding, per word length",
                                "accuracy",
                                byLength));
        writeLengthPlot(c.run(), byLength);
        return Map.of("exactReversalByLength", byLength);
    }

    static SequencePairDataSource pairs(List<String> words, int steps, int batch, boolean shuffle, long seed) {
        int[][] src = new int[words.size()][];
        int[][] tgt = new int[words.size()][];
        for (int i = 0; i < words.size(); i++) {
            src[i] = VOCABULARY.ids(words.get(i), steps);
            tgt[i] = VOCABULARY.ids(Reversal.reverse(words.get(i)), steps);
        }
        return new SequencePairDataSource(src, tgt, VOCABULARY.size(), 1, batch, shuffle, seed);
    }

    private static void writeHeatmap(RunDirectory dir, ComputationGraph graph, String word, int steps) {
        int[][] src = {VOCABULARY.ids(word, steps)};
        int[][] prev = new int[1][steps];
        String target = Reversal.reverse(word);
        prev[0][0] = 1;
        for (int t = 1; t < steps; t++) {
            prev[0][t] = t - 1 < target.length() ? VOCABULARY.id(target.charAt(t - 1)) : 0;
        }
        graph.output(
                false,
                SequencePairDataSource.oneHot(src, VOCABULARY.size()),
                SequencePairDataSource.oneHot(prev, VOCABULARY.size()));
        INDArray alpha = ((AttentionContextVertex.Impl) graph.getVertex(Seq2SeqNetwork.CONTEXT)).lastAttention();
        List<String> xs = new ArrayList<>();
        List<String> ys = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            xs.add((i + 1) + ":" + (i < word.length() ? word.charAt(i) : '_'));
            ys.add((i + 1) + ":" + (i < target.length() ? target.charAt(i) : '_'));
        }
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < steps; i++) {
                cells.add(new Number[] {i, t, alpha.getDouble(0, t, i)});
            }
        }
        HeatMapChart chart = Charts.chart(
                HeatMapChart::new, 560, 520, "attention α reversing '" + word + "'", "source position", "output step");
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        chart.addSeries("alpha", xs, ys, cells);
        Charts.writePng(dir, "attention-" + word + ".png", chart);
    }

    private static void writeLengthPlot(RunDirectory run, Map<String, Map<Integer, Double>> byLength) {
        XYChart chart = Charts.chart(
                XYChart::new,
                640,
                420,
                "exact reversal of unseen words, greedy decoding",
                "word length",
                "share of test words");
        byLength.forEach((name, m) -> chart.addSeries(
                name,
                m.keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
                m.values().stream().mapToDouble(Double::doubleValue).toArray()));
        Charts.writePng(run, "accuracy-by-length.png", chart);
    }
}

package org.sheetlab.experiments.charlm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.source.TextWindowDataSource;
import org.sheetlab.data.text.Vocabulary;
import org.sheetlab.data.wordnet.WordNet;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.rnn.CharRnnLm;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.eval.AccuracyEvaluator;
import org.sheetlab.train.eval.PerplexityEvaluator;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, "LSTM Gates" and "GRU": character-level language models ({@link CharRnnLm}) on WordNet 3.0's glosses
 * (Debian wordnet-base, {@link WordNet}), one gloss per line, every k-th gloss held out. The corpus is streamed
 * through {@link TextWindowDataSource} (windows of T characters, B per batch, training windows in a seeded random
 * order per epoch; never the whole corpus as one-hot arrays). Per cell: next-character accuracy and perplexity exp(mean −log p) on the held-out glosses after every
 * epoch ({@code testPerplexity}, {@code testNll} and {@code testAccuracy} in the history: the held-out glosses are the
 * evaluation set "test"), and {@code samples.txt}: text generated one character at a time
 * with {@code rnnTimeStep}, from a fixed prompt, at temperature τ (p ∝ p̂^(1/τ)).
 */
@Command(
        name = "char-lm",
        mixinStandardHelpOptions = true,
        description = "Character-level LSTM and GRU language models on WordNet's glosses: perplexity and samples.")
public final class CharLmExperiment
        extends Experiment<CharLmExperiment.Options, CharLmExperiment.Glosses, CharRnnLm.Cell> {
    /** The vocabulary: the newline that ends each gloss, then WordNet's normalised alphabet. */
    public static final Vocabulary VOCABULARY = WordNet.GLOSS_VOCABULARY;

    /** Options: run and loop options, cells, sizes, sampling, the learning rate and the data folder. */
    public static final class Options extends TrainedOptions {
        @Option(names = "--cells", split = ",", description = "lstm and/or gru (default: both).")
        public List<String> cells = List.of("lstm", "gru");

        @Option(names = "--hidden", description = "Hidden units h (default: ${DEFAULT-VALUE}).")
        public int hidden = 128;

        @Option(names = "--steps", description = "Characters per training window, T (default: ${DEFAULT-VALUE}).")
        public int steps = 64;

        @Option(names = "--held-out-every", description = "Hold out every k-th gloss (default: ${DEFAULT-VALUE}).")
        public int heldOutEvery = 20;

        @Option(names = "--sample-chars", description = "Characters to generate per cell (default: ${DEFAULT-VALUE}).")
        public int sampleChars = 600;

        @Option(names = "--temperature", description = "Sampling temperature τ > 0 (default: ${DEFAULT-VALUE}).")
        public double temperature = 0.7;

        @Option(names = "--prompt", description = "Text the samples start from (default: \"${DEFAULT-VALUE}\").")
        public String prompt = "a ";

        public Options() {
            super(1, 32, 2e-3);
        }
    }

    /** WordNet and the corpus files written from its glosses into the run folder (training and held-out text). */
    public record Glosses(WordNet wordNet, WordNet.Corpus corpus) {}

    public CharLmExperiment() {
        // headline: held-out perplexity, the nll in nats per character (= log perplexity), next-character accuracy
        super(
                new Options(),
                Headline.of("testPerplexity", "held-out perplexity", "%.3f"),
                Headline.of("testNll", "held-out nll"),
                Headline.TEST_ACCURACY);
    }

    static CharRnnLm.Cell parseCell(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "lstm" -> CharRnnLm.Cell.LSTM;
            case "gru" -> CharRnnLm.Cell.GRU;
            default -> throw new IllegalArgumentException("--cells: unknown cell '" + s + "'; use lstm or gru");
        };
    }

    @Override
    protected void validate(Options o) {
        check(o.hidden >= 1, "--hidden must be >= 1, got " + o.hidden);
        check(o.steps >= 1, "--steps must be >= 1, got " + o.steps);
        check(o.sampleChars >= 0, "--sample-chars must be >= 0, got " + o.sampleChars);
        check(o.temperature > 0, "--temperature must be > 0, got " + o.temperature);
        for (char c : o.prompt.toCharArray()) {
            check(
                    VOCABULARY.contains(c),
                    "--prompt: character '" + c + "' is not in the vocabulary (lower "
                            + "case letters, digits, space and " + WordNet.ALPHABET.substring(37) + ")");
        }
    }

    @Override
    protected List<CharRnnLm.Cell> variants(Options o) {
        return o.cells.stream().map(CharLmExperiment::parseCell).toList();
    }

    @Override
    protected Glosses data(Options o, long seed, RunDirectory run) {
        WordNet wordNet = WordNet.loadOrFetch(o.dataDir.value);
        return new Glosses(wordNet, wordNet.writeCorpus(run.root().resolve("corpus"), o.heldOutEvery));
    }

    @Override
    protected Map<String, Object> describe(Glosses g) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dataset", "WordNet 3.0 glosses (Debian wordnet-base)");
        d.put("glosses", g.wordNet().glosses().size());
        d.put("trainCharacters", g.corpus().trainChars());
        d.put("heldOutCharacters", g.corpus().heldOutChars());
        d.put("vocabulary", VOCABULARY.size());
        return d;
    }

    @Override
    protected Trial trial(Context<Options, Glosses> c, CharRnnLm.Cell cell, RunDirectory folder) {
        Options o = c.options();
        return Trial.of(
                CharRnnLm.builder()
                        .setCell(cell)
                        .setVocabularySize(VOCABULARY.size())
                        .optHidden(o.hidden)
                        .optSteps(o.steps)
                        .optSeed(c.seed())
                        .optUpdater(new Adam(o.learningRate.get())),
                // windows in a fresh random order every epoch: in file order an epoch would end on
                // WordNet's adverb glosses ("in a ... manner"), and the model would lean to them
                new TextWindowDataSource(
                        c.data().corpus().train(), VOCABULARY.symbols(), c.batchSize(), o.steps, c.seed()),
                List.of(EvaluationSet.of(
                        "test",
                        new TextWindowDataSource(
                                c.data().corpus().heldOut(), VOCABULARY.symbols(), c.batchSize(), o.steps),
                        new AccuracyEvaluator(),
                        new PerplexityEvaluator())));
    }

    /** Text generated by each trained model ({@code samples.txt}) and the held-out perplexities. */
    @Override
    protected Map<String, Object> finish(
            Context<Options, Glosses> c, List<Row> rows, Map<String, TrainingResult> results) {
        Options o = c.options();
        Map<String, Double> perplexity = new LinkedHashMap<>();
        Map<String, String> samples = new LinkedHashMap<>();
        results.forEach((name, r) -> {
            perplexity.put(name, r.last().metric("testPerplexity"));
            samples.put(
                    name,
                    CharRnnLm.sample(
                            (MultiLayerNetwork) r.model(),
                            VOCABULARY,
                            o.prompt,
                            o.sampleChars,
                            o.temperature,
                            c.seed()));
        });
        StringBuilder text = new StringBuilder();
        samples.forEach((cell, s) -> text.append("== ")
                .append(cell)
                .append(" (temperature ")
                .append(o.temperature)
                .append(", prompt \"")
                .append(o.prompt)
                .append("\")\n")
                .append(s)
                .append("\n\n"));
        c.run().writeText("samples.txt", text.toString());
        c.run().writeJson("perplexity.json", Map.of("heldout", perplexity, "what", "exp(mean -log p(next character))"));
        return Map.of("heldOutPerplexity", perplexity, "samples", samples);
    }
}

package org.sheetlab.experiments.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.sheetlab.data.text.TextCorpus;
import org.sheetlab.text.embedding.Word2VecFormat;
import org.sheetlab.text.embedding.WordEmbeddings;
import org.sheetlab.text.word2vec.FastSkipGram;
import org.sheetlab.text.word2vec.SkipGram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Skip-gram word2vec with negative sampling (sheet section "Word2Vec Skip-Gram", issue 19's benchmark) on the same
 * corpus file with the same settings for sheetlab's {@link FastSkipGram}, the original C tool (word2vec.c from the npm
 * package word2vec, built with gcc; bench/word2vec_c.py) and gensim (bench/word2vec_gensim.py), and DL4J's Word2Vec
 * ({@link SkipGram}) on a prefix. Words/s = the file's tokens × epochs / training seconds, training being everything
 * after the vocabulary pass (unigram table, initial vectors, the epochs, writing the binary vectors); the vocabulary
 * pass is timed apart for each tool. Analogy accuracy: bench/word2vec_eval.py on each tool's vector file (3CosAdd over
 * the 30 000 most frequent words, questions-words.txt). The ratio is sheetlab's words/s over the faster peer's.
 */
@Command(
        name = "word2vec",
        mixinStandardHelpOptions = true,
        description = "Skip-gram word2vec words/s and analogy accuracy: sheetlab's FastSkipGram vs the word2vec C "
                + "tool and gensim on the text corpus (and DL4J's Word2Vec on a prefix).")
final class Word2VecBench extends Bench {
    Word2VecBench() {
        super(1, 0);
        rounds = 1;
    }

    @Option(
            names = "--corpus",
            description = "The corpus file, one document a line, tokens separated by spaces "
                    + "(default: documents.txt of the text corpus, fetched if missing).")
    Path corpus;

    @Option(
            names = "--questions",
            description = "Analogy questions, questions-words.txt format (default: the text " + "corpus's).")
    Path questions;

    @Option(
            names = "--million-tokens",
            description = "Train on the first documents holding this many million tokens "
                    + "(default: ${DEFAULT-VALUE}, the whole corpus).")
    double millionTokens = 0;

    @Option(
            names = "--dl4j-million-tokens",
            description = "DL4J's Word2Vec on the first documents holding this many "
                    + "million tokens (it is far slower); 0 = skip it (default: ${DEFAULT-VALUE}).")
    double dl4jMillionTokens = 0.5;

    @Option(names = "--threads", description = "Training threads of every tool (default: the cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--epochs", description = "Passes over the corpus (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Option(names = "--dimension", description = "d (default: ${DEFAULT-VALUE}).")
    int dimension = 100;

    @Option(names = "--window", description = "Context window (default: ${DEFAULT-VALUE}).")
    int window = 5;

    @Option(names = "--negative", description = "Negative samples k (default: ${DEFAULT-VALUE}).")
    int negative = 5;

    @Option(names = "--sample", description = "Sub-sampling threshold (default: ${DEFAULT-VALUE}).")
    double sample = 1e-3;

    @Option(names = "--min-count", description = "Minimum word count (default: ${DEFAULT-VALUE}).")
    int minCount = 5;

    @Option(names = "--alpha", description = "Starting learning rate (default: ${DEFAULT-VALUE}).")
    double alpha = 0.025;

    @Option(names = "--corpus-tokens", hidden = true, description = "The corpus file's tokens (set by the rounds).")
    long corpusTokens;

    @Option(names = "--vectors", hidden = true, description = "Where --measure writes the vectors (set by the rounds).")
    Path vectors;

    @Option(names = "--dl4j", hidden = true, description = "--measure DL4J's Word2Vec instead of FastSkipGram.")
    boolean dl4j;

    /** FastSkipGram's Vector API kernels: the child JVMs run with jdk.incubator.vector (see FastSkipGram.VECTOR_API). */
    @Override
    List<String> childJvmOptions() {
        return FastSkipGram.VECTOR_API ? List.of() : List.of("--add-modules", "jdk.incubator.vector");
    }

    @Override
    boolean needsTorch() {
        return false;
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        Path source = corpus;
        Path asked = questions;
        if (source == null || asked == null) {
            TextCorpus text = TextCorpus.locateOrFetch(null);
            source = source != null ? source : text.path();
            asked = asked != null ? asked : text.questionsPath().orElse(null);
        }
        if (asked == null || !Files.isRegularFile(asked)) {
            throw new IllegalArgumentException("no analogy questions at " + asked
                    + "; name a questions-words.txt with --questions (datasets/text-corpus/fetch.sh writes one)");
        }
        Path file = out.resolve("corpus.txt");
        long tokens = prefix(source, file, millionTokens);
        System.err.printf(
                Locale.ROOT,
                "word2vec bench: %,d tokens (%s%s), %d epochs, %d threads%n",
                tokens,
                source,
                millionTokens > 0 ? ", prefix" : "",
                epochs,
                threads);
        List<Object> common = new ArrayList<>(List.of(
                "--corpus",
                file,
                "--corpus-tokens",
                tokens,
                "--epochs",
                epochs,
                "--dimension",
                dimension,
                "--window",
                window,
                "--negative",
                negative,
                "--sample",
                sample,
                "--min-count",
                minCount,
                "--alpha",
                alpha));
        for (int r = 1; r <= rounds; r++) {
            List<Object> ours = new ArrayList<>(common);
            ours.addAll(List.of("--threads", threads, "--vectors", out.resolve("sheetlab-" + r + ".bin")));
            sheetlab(file("sheetlab", "", r), ours.toArray());
            evaluate(out.resolve("sheetlab-" + r + ".bin"), asked, file("sheetlab-analogy", "", r));
            List<Object> peerArgs = new ArrayList<>(common);
            peerArgs.addAll(List.of("--questions", asked, "--out-dir", out, "--round", r, "--seed", 1));
            peer(file("c", "", r), "word2vec_c.py", threads, peerArgs.toArray());
            peer(file("gensim", "", r), "word2vec_gensim.py", threads, peerArgs.toArray());
        }
        if (dl4jMillionTokens > 0) {
            Path small = out.resolve("dl4j-corpus.txt");
            long smallTokens = prefix(file, small, dl4jMillionTokens);
            List<Object> args = new ArrayList<>(common);
            args.set(1, small);
            args.set(3, smallTokens);
            args.addAll(List.of("--threads", threads, "--dl4j", "--vectors", out.resolve("dl4j.bin")));
            sheetlab("dl4j-1.json", args.toArray());
            evaluate(out.resolve("dl4j.bin"), asked, "dl4j-analogy-1.json");
            // FastSkipGram on the same prefix, for a like-for-like line beside DL4J
            List<Object> same = new ArrayList<>(args.subList(0, args.size() - 3));
            same.addAll(List.of("--vectors", out.resolve("sheetlab-prefix.bin")));
            sheetlab("sheetlab-prefix-1.json", same.toArray());
            evaluate(out.resolve("sheetlab-prefix.bin"), asked, "sheetlab-prefix-analogy-1.json");
        }
        return report();
    }

    /** bench/word2vec_eval.py on a vector file, its JSON into {@code name}: the evaluation every tool gets. */
    private void evaluate(Path vectorFile, Path asked, String name) throws IOException, InterruptedException {
        peer(name, "word2vec_eval.py", 1, vectorFile, asked);
    }

    /**
     * Copies the first lines of {@code source} holding at least {@code million}·10^6 tokens into {@code target} (all
     * of it when {@code million} is 0) and returns their token count (space-separated tokens).
     */
    static long prefix(Path source, Path target, double million) throws IOException {
        long limit = million > 0 ? (long) (million * 1e6) : Long.MAX_VALUE;
        long tokens = 0;
        try (BufferedReader in = Files.newBufferedReader(source, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            String line;
            while (tokens < limit && (line = in.readLine()) != null) {
                tokens += countTokens(line);
                w.write(line);
                w.write('\n');
            }
        }
        return tokens;
    }

    private static long countTokens(String line) {
        long n = 0;
        boolean in = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\r';
            if (!space && !in) {
                n++;
            }
            in = !space;
        }
        return n;
    }

    @Override
    Map<String, Object> measure() {
        Map<String, Object> r = new LinkedHashMap<>();
        double vocabSeconds;
        double trainSeconds;
        int vocabulary;
        if (dl4j) {
            SkipGram.Trained t = SkipGram.builder()
                    .setDocuments(corpus)
                    .optLayerSize(dimension)
                    .optWindow(window)
                    .optNegative(negative)
                    .optSampling(sample)
                    .optMinWordFrequency(minCount)
                    .optEpochs(epochs)
                    .optLearningRate(alpha)
                    .optMinLearningRate(alpha * 1e-4)
                    .optSeed(seed)
                    .optWorkers(threads)
                    .train();
            long start = System.nanoTime();
            Word2VecFormat.writeBinary(t.embeddings(), vectors);
            vocabSeconds = 0;
            trainSeconds = t.seconds() + (System.nanoTime() - start) / 1e9;
            vocabulary = t.embeddings().size();
            r.put(
                    "impl",
                    "DL4J 1.0.0-M2.1 Word2Vec (" + SkipGram.DL4J_SKIP_GRAM + ") via sheetlab SkipGram; its fit "
                            + "builds the vocabulary too, so the vocabulary pass is inside trainSeconds");
        } else {
            FastSkipGram trainer = FastSkipGram.builder()
                    .dimension(dimension)
                    .window(window)
                    .negative(negative)
                    .sample(sample)
                    .minCount(minCount)
                    .epochs(epochs)
                    .alpha(alpha)
                    .threads(threads)
                    .seed(seed)
                    .build();
            long t0 = System.nanoTime();
            FastSkipGram.Corpus c = FastSkipGram.Corpus.read(corpus, minCount);
            long t1 = System.nanoTime();
            WordEmbeddings e = trainer.train(c);
            Word2VecFormat.writeBinary(e, vectors);
            long t2 = System.nanoTime();
            vocabSeconds = (t1 - t0) / 1e9;
            trainSeconds = (t2 - t1) / 1e9;
            vocabulary = e.size();
            r.put(
                    "impl",
                    "sheetlab FastSkipGram (Java " + System.getProperty("java.version")
                            + (FastSkipGram.VECTOR_API ? ", Vector API" : ", scalar loops")
                            + "); its vocabulary pass also holds the corpus as word ids");
        }
        r.put("corpusTokens", corpusTokens);
        r.put("epochs", epochs);
        r.put("threads", threads);
        r.put("vocabulary", vocabulary);
        r.put("vocabSeconds", vocabSeconds);
        r.put("trainSeconds", trainSeconds);
        r.put("wordsPerSecond", corpusTokens * (double) epochs / trainSeconds);
        System.err.printf(
                Locale.ROOT,
                "sheetlab %s: %.1f s vocabulary, %.1f s training, %,.0f words/s%n",
                dl4j ? "DL4J Word2Vec" : "FastSkipGram",
                vocabSeconds,
                trainSeconds,
                corpusTokens * (double) epochs / trainSeconds);
        return r;
    }
}

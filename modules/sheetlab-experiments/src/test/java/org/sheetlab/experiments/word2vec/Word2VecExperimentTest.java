package org.sheetlab.experiments.word2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.text.TextCorpus;
import org.sheetlab.experiments.RunFolders;
import org.sheetlab.experiments.Smoke;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.text.embedding.Word2VecFormat;
import org.sheetlab.text.embedding.WordEmbeddings;

/** word2vec on a small generated corpus with gender and role contexts, and an analogy file the test writes. */
class Word2VecExperimentTest {
    @TempDir
    Path tmp;

    static final String[][] PAIRS = {
        {"man", "woman"}, {"king", "queen"}, {"boy", "girl"}, {"father", "mother"}, {"son", "daughter"}
    };
    static final String[][] ROLE = {
        {"adult", "walks", "works"},
        {"crown", "throne", "palace"},
        {"school", "young", "plays"},
        {"family", "home", "child"},
        {"parents", "child", "young"}
    };

    /** Sentences: a person word, its gender's words (he/his/him or she/her/hers) and its role's words, shuffled. */
    static Path corpus(Path dir) throws IOException {
        Random random = new Random(1);
        List<String> texts = new ArrayList<>();
        String[][] gender = {{"he", "his", "him"}, {"she", "her", "hers"}};
        for (int s = 0; s < 6000; s++) {
            int pair = random.nextInt(PAIRS.length);
            int g = random.nextInt(2);
            List<String> words = new ArrayList<>(List.of(
                    PAIRS[pair][g],
                    gender[g][random.nextInt(3)],
                    gender[g][random.nextInt(3)],
                    ROLE[pair][random.nextInt(3)],
                    ROLE[pair][random.nextInt(3)],
                    "the",
                    "a"));
            java.util.Collections.shuffle(words, random);
            texts.add(String.join(" ", words));
        }
        TextCorpus.write(dir, texts);
        StringBuilder q = new StringBuilder(": gender\n");
        for (String[] a : PAIRS) {
            for (String[] b : PAIRS) {
                if (a != b) {
                    q.append(a[0])
                            .append(' ')
                            .append(a[1])
                            .append(' ')
                            .append(b[0])
                            .append(' ')
                            .append(b[1])
                            .append('\n');
                }
            }
        }
        q.append(": oov\nman woman prince princess\n");
        Files.writeString(dir.resolve(TextCorpus.QUESTIONS), q.toString());
        return dir;
    }

    @Test
    void trainsAndReportsAnalogiesNeighboursPlotAndVectors() throws Exception {
        Path data = corpus(tmp.resolve("corpus"));
        Word2VecExperiment.Options o = new Word2VecExperiment.Options();
        Smoke.set(o.run, o.loop, tmp.resolve("run"), 3, null, 1);
        o.dataDir.value = data;
        o.dim = 16;
        o.minCount = 1;
        o.window = 3;
        o.threads = 1;
        o.run.seed = 7;
        Word2VecExperiment experiment = new Word2VecExperiment();
        Outcome r = experiment.run(o);
        RunFolders.assertShowsHeadline(new Word2VecExperiment(), o, r);
        Path run = o.run.outputDir;
        // 20 gender questions answered, the OOV one skipped and counted
        var analogy = org.sheetlab.train.run.RunDirectory.JSON.readTree(
                run.resolve("analogy.json").toFile());
        assertThat(analogy.get("answered").asInt()).isEqualTo(20);
        assertThat(analogy.get("skipped").asInt()).isEqualTo(1);
        assertThat(r.rows().get(0).value("analogyCoverage")).isEqualTo(20 / 21.0);
        assertThat(r.rows().get(0).value("wordsPerSecond")).isPositive();
        // the sampled loss -J falls over the passes
        var metrics = org.sheetlab.train.run.RunDirectory.JSON.readTree(
                run.resolve("metrics.json").toFile());
        var epochs = metrics.get("epochs");
        assertThat(epochs.size()).isEqualTo(3);
        double first = epochs.get(0).at("/sampledLoss").asDouble();
        double last = epochs.get(2).at("/sampledLoss").asDouble();
        assertThat(last).isLessThan(first).isLessThan(6 * Math.log(2));
        // the vectors file holds every word, and the harness's model.zip is the same table as an EmbeddingLayer
        WordEmbeddings vectors = Word2VecFormat.readBinary(run.resolve("vectors.bin"));
        assertThat(vectors.size()).isEqualTo(31); // 10 persons, 6 gender words, 13 role words, the, a
        assertThat(vectors.dimension()).isEqualTo(16);
        var net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                run.resolve("model.zip").toFile());
        float[] w = net.getLayer(0).getParam("W").dup('c').data().asFloat();
        assertThat(w).isEqualTo(vectors.table());
        assertThat(Files.readString(run.resolve("neighbours.txt")))
                .contains("king:")
                .contains("man : king :: woman");
        assertThat(ImageIO.read(run.resolve("pca.png").toFile()).getWidth()).isEqualTo(900);
        // --max-documents: the first 500 documents, copied into the run folder
        Word2VecExperiment.Options q = new Word2VecExperiment.Options();
        Smoke.set(q.run, q.loop, tmp.resolve("run-500"), 1, null, 1);
        q.dataDir.value = data;
        q.dim = 8;
        q.minCount = 1;
        q.threads = 1;
        q.maxDocuments = 500;
        Outcome small = new Word2VecExperiment().run(q);
        assertThat(Files.readAllLines(q.run.outputDir.resolve("documents.txt")))
                .hasSize(500)
                .isEqualTo(
                        Files.readAllLines(data.resolve(TextCorpus.DOCUMENTS)).subList(0, 500));
        assertThat(small.rows().get(0).value("wordsPerSecond")).isPositive();
        System.out.println(
                "word2vec smoke: " + r.rows().get(0) + "\n" + Files.readString(run.resolve("neighbours.txt")));
    }

    @Test
    void badOptionsAreNamed() throws IOException {
        Word2VecExperiment.Options o = new Word2VecExperiment.Options();
        o.run.outputDir = tmp.resolve("bad");
        o.negative = 0;
        assertThatThrownBy(() -> new Word2VecExperiment().run(o)).hasMessageContaining("--negative");
    }
}

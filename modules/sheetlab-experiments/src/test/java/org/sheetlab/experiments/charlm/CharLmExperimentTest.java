package org.sheetlab.experiments.charlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

/** Smoke run on the installed WordNet (datasets/wordnet/fetch.sh, run by scripts/test). */
class CharLmExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void bothCellsTrainReportPerplexityAndSample() throws Exception {
        CharLmExperiment.Options o = new CharLmExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 3, 8);
        o.hidden = 16;
        o.steps = 16;
        o.sampleChars = 40;
        o.heldOutEvery = 2000; // a small held-out set keeps the smoke run short
        Outcome r = new CharLmExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new CharLmExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("lstm", "gru");
        int v = CharLmExperiment.VOCABULARY.size();
        for (String cell : new String[] {"lstm", "gru"}) {
            // barely trained: perplexity near the vocabulary size (uniform guessing), finite and above 1
            assertThat(r.<java.util.Map<String, Double>>extra("heldOutPerplexity")
                            .get(cell))
                    .as(cell)
                    .isGreaterThan(1.0)
                    .isLessThan(2.0 * v);
            assertThat(r.<java.util.Map<String, String>>extra("samples").get(cell))
                    .startsWith("a ")
                    .hasSize(2 + 40);
            assertThat(r.<java.util.Map<String, String>>extra("samples")
                            .get(cell)
                            .chars()
                            .allMatch(c -> CharLmExperiment.VOCABULARY.contains((char) c)))
                    .isTrue();
        }
        assertThat(Files.readString(o.run.outputDir.resolve("samples.txt")))
                .contains("== lstm")
                .contains("== gru");
        assertThat(o.run.outputDir.resolve("corpus").resolve("heldout.txt")).exists();
        assertThat(o.run.outputDir.resolve("perplexity.json")).exists();
    }

    @Test
    void badOptionsAreNamed() {
        CharLmExperiment.Options o = new CharLmExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("bad"), 1, 1, 8);
        o.prompt = "Zebra";
        assertThatThrownBy(() -> new CharLmExperiment().run(o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--prompt")
                .hasMessageContaining("'Z'");
        assertThatThrownBy(() -> CharLmExperiment.parseCell("rnn")).hasMessageContaining("use lstm or gru");
    }
}

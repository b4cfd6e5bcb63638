package org.sheetlab.data.wordnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.DatasetException;

/** The parser on small files in WordNet's format, built here; the real files are read by the experiments' tests. */
class WordNetTest {
    @TempDir
    Path dir;

    private void files(String noun) throws Exception {
        String header = "  1 This software and database is being provided to you, the LICENSEE, by  \n";
        Files.writeString(dir.resolve("data.noun"), header + noun);
        Files.writeString(
                dir.resolve("data.verb"),
                header
                        + "01 29 v 01 breathe 0 000 | draw air into, and expel out of, the lungs; \"I can breathe better now\"  \n");
        Files.writeString(
                dir.resolve("data.adj"),
                "00001 00 a 02 able(a) 0 Able 1 000 | (usually followed by `to') having the necessary means  \n");
        Files.writeString(
                dir.resolve("data.adv"), "00002 02 r 01 a_cappella 0 000 | without musical accompaniment  \n");
    }

    @Test
    void glossesLemmasAndTheCorpusSplit() throws Exception {
        files("00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived or known\n"
                + "00001930 03 n 02 physical_entity 0 Thing 0 000 | an entity that has physical existence  \n");
        WordNet w = WordNet.load(dir, false);
        assertThat(w.glosses())
                .containsExactly(
                        "that which is perceived or known",
                        "an entity that has physical existence",
                        "draw air into, and expel out of, the lungs; \"i can breathe better now\"",
                        "(usually followed by to') having the necessary means", // the backquote is not in the alphabet
                        "without musical accompaniment");
        // letters-only lemmas, lower case, first seen first, each once; "physical_entity" and "a_cappella" are not
        // words
        assertThat(w.words(1, 20)).containsExactly("entity", "thing", "breathe", "able");
        assertThat(w.words(5, 6)).containsExactly("entity", "thing");
        WordNet.Corpus c = w.writeCorpus(dir.resolve("corpus"), 2);
        assertThat(Files.readString(c.train()))
                .isEqualTo("that which is perceived or known\n"
                        + "draw air into, and expel out of, the lungs; \"i can breathe better now\"\n"
                        + "without musical accompaniment\n");
        assertThat(Files.readString(c.heldOut()))
                .isEqualTo("an entity that has physical existence\n"
                        + "(usually followed by to') having the necessary means\n");
        assertThat(c.trainChars()).isEqualTo(Files.size(c.train()));
        try (var s = Files.list(c.train().getParent())) {
            assertThat(s.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void normalizeKeepsTheAlphabetOnly() {
        assertThat(WordNet.normalize("  Café\tau  LAIT: 3 cups; é!  ")).isEqualTo("caf au lait: 3 cups; !");
        assertThat(WordNet.normalize("")).isEmpty();
    }

    @Test
    void badFilesAreNamedWithTheFix() throws Exception {
        files("this line has no gloss\n");
        assertThatThrownBy(() -> WordNet.load(dir, false))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("data.noun line 2")
                .hasMessageContaining("datasets/wordnet/fetch.sh");
        files("00001740 03 n 01 entity 0 000 | that which is perceived\n");
        assertThatThrownBy(() -> WordNet.load(dir, true))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("is corrupt: SHA-256");
        Files.delete(dir.resolve("data.adv"));
        assertThatThrownBy(() -> WordNet.load(dir, false))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("data.adv not found");
    }
}

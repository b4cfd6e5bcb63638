package org.sheetlab.data.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder end to end on two small sources written here: repeats dropped, shuffled, byte-identical reruns. */
class CorpusBuilderTest {
    @TempDir
    Path dir;

    private Path build(String name) throws Exception {
        Path fortunes = dir.resolve("fortunes");
        Files.createDirectories(fortunes);
        Files.writeString(
                fortunes.resolve("wisdom"),
                "A stitch in time.\n%\nLook before you leap.\n%\n" + "A STITCH in time!\n%\n-- --\n");
        Path wordnet = dir.resolve("wordnet");
        Files.createDirectories(wordnet);
        Files.writeString(
                wordnet.resolve("data.noun"),
                "00001740 03 n 01 entity 0 000 | that which exists  \n"
                        + "00001741 03 n 01 thing 0 000 | a stitch in time  \n");
        Files.writeString(wordnet.resolve("data.verb"), "01 29 v 01 breathe 0 000 | draw air  \n");
        Files.writeString(wordnet.resolve("data.adj"), "00001 00 a 01 able 0 000 | having the means  \n");
        Files.writeString(wordnet.resolve("data.adv"), "00002 02 r 01 slowly 0 000 | without speed  \n");
        Path out = dir.resolve(name);
        CorpusBuilder.main(new String[] {
            out.toString(),
            "--seed",
            "7",
            "--note",
            "package.x=1.0",
            "--source",
            "fortunes:fortunes:" + fortunes,
            "--source",
            "wordnet:wordnet:" + wordnet
        });
        return out;
    }

    @Test
    void repeatsDroppedDocumentsShuffledAndTheSameBytesTwice() throws Exception {
        TextCorpus a = TextCorpus.open(build("a"));
        TextCorpus b = TextCorpus.open(build("b"));
        assertThat(Files.readAllBytes(b.path())).isEqualTo(Files.readAllBytes(a.path()));
        assertThat(Files.readAllBytes(b.dir().resolve("manifest")))
                .isEqualTo(Files.readAllBytes(a.dir().resolve("manifest")));
        try (Stream<String> docs = a.documents()) {
            // "a stitch in time" three times (two fortunes, one gloss) is kept once; "-- --" has no token
            assertThat(docs.toList())
                    .containsExactlyInAnyOrder(
                            "a stitch in time",
                            "look before you leap",
                            "that which exists",
                            "draw air",
                            "having the means",
                            "without speed");
        }
        assertThat(a.documentCount()).isEqualTo(6);
        assertThat(a.manifest())
                .containsEntry("package.x", "1.0")
                .containsEntry("seed", "7")
                .containsEntry("source.fortunes.documents", "2")
                .containsEntry("source.wordnet.documents", "4")
                .containsEntry("input.1", "fortunes fortunes read 4 kept 2 repeats-dropped 1");
        assertThat(a.verify().wordCounts()).containsEntry("stitch", 1L);
    }

    @Test
    void theSeedSetsTheOrder() throws Exception {
        Path out = build("a");
        List<String> first = Files.readAllLines(out.resolve("documents.txt"));
        assertThat(first)
                .isNotEqualTo(List.of(
                        "a stitch in time",
                        "look before you leap",
                        "that which exists",
                        "draw air",
                        "having the means",
                        "without speed"));
    }
}

package org.sheetlab.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.DatasetException;

/** The corpus format on small corpora written here; the real corpus is built by datasets/text-corpus/fetch.sh. */
class TextCorpusTest {
    @TempDir
    Path dir;

    private static final List<String> TEXTS = List.of(
            "The cat sat on the mat.", "  ", "A dog's life -- the dog barked!", "Cat, dog; cat.");

    @Test
    void writesOneNormalisedDocumentPerLineWithTheManifestCounts() throws Exception {
        TextCorpus c = TextCorpus.write(dir, TEXTS);
        String expected = "the cat sat on the mat\na dog s life the dog barked\ncat dog cat\n";
        byte[] bytes = Files.readAllBytes(c.path());
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo(expected);
        assertThat(c.documentCount()).isEqualTo(3); // the blank text is skipped
        assertThat(c.tokenCount()).isEqualTo(6 + 7 + 3);
        // the, cat, sat, on, mat, a, dog, s, life, barked
        assertThat(c.vocabularySize()).isEqualTo(10);
        assertThat(c.byteCount()).isEqualTo(expected.length());
        assertThat(c.sha256()).isEqualTo(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(c.manifest()).containsEntry("source.text.documents", "3").containsEntry("source.text.tokens", "16");
        assertThat(c.verify()).isSameAs(c);
        assertThat(c.questionsPath()).isEmpty();
    }

    @Test
    void streamsDocumentsAndTokensAndReadsTheVocabulary() {
        TextCorpus c = TextCorpus.write(dir, TEXTS);
        try (Stream<String> docs = c.documents()) {
            assertThat(docs).containsExactly("the cat sat on the mat", "a dog s life the dog barked", "cat dog cat");
        }
        try (Stream<String> tokens = c.tokens()) {
            assertThat(tokens.count()).isEqualTo(c.tokenCount());
        }
        try (Stream<String[]> docs = c.documentTokens()) {
            assertThat(docs.map(d -> d.length)).containsExactly(6, 7, 3);
        }
        Map<String, Long> counts = c.wordCounts();
        // count descending, then alphabetical
        assertThat(counts.keySet()).containsExactly("cat", "dog", "the", "a", "barked", "life", "mat", "on", "s",
                "sat");
        assertThat(counts).containsEntry("cat", 3L).containsEntry("the", 3L).containsEntry("dog", 3L)
                .containsEntry("a", 1L);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(c.tokenCount());
    }

    @Test
    void theSameTextsGiveTheSameBytes() throws Exception {
        TextCorpus a = TextCorpus.write(dir.resolve("a"), TEXTS);
        TextCorpus b = TextCorpus.write(dir.resolve("b"), TEXTS);
        assertThat(Files.readAllBytes(b.path())).isEqualTo(Files.readAllBytes(a.path()));
        assertThat(Files.readAllBytes(b.dir().resolve("manifest"))).isEqualTo(
                Files.readAllBytes(a.dir().resolve("manifest")));
    }

    @Test
    void locateSearchesTheDataDirAndItsTextCorpusFolder() {
        TextCorpus.write(dir.resolve("text-corpus"), TEXTS);
        assertThat(TextCorpus.locate(dir).dir()).isEqualTo(dir.resolve("text-corpus"));
        assertThat(TextCorpus.locate(dir.resolve("text-corpus")).dir()).isEqualTo(dir.resolve("text-corpus"));
        assertThat(TextCorpus.searchPath(null).get(0).getFileName().toString()).isEqualTo("text-corpus");
    }

    @Test
    void aMissingCorpusNamesThePlacesAndTheFetchScript() {
        Path empty = dir.resolve("nothing");
        assertThatThrownBy(() -> TextCorpus.locate(empty))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("Build it with: datasets/text-corpus/fetch.sh");
        // the unit tests run with -Dsheetlab.test.noFetch=true: no script is run, the same error comes back
        assertThatThrownBy(() -> TextCorpus.locateOrFetch(empty))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("datasets/text-corpus/fetch.sh");
    }

    @Test
    void aTruncatedOrChangedFileIsReported() throws Exception {
        TextCorpus c = TextCorpus.write(dir, TEXTS);
        byte[] bytes = Files.readAllBytes(c.path());
        Files.write(c.path(), java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> TextCorpus.open(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("fetch.sh");
        bytes[0] = 'T';
        Files.write(c.path(), bytes);
        assertThatThrownBy(() -> TextCorpus.open(dir).verify())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("SHA-256");
    }

    @Test
    void aBadManifestNamesTheLine() throws Exception {
        TextCorpus.write(dir, TEXTS);
        Path m = dir.resolve("manifest");
        Files.writeString(m, Files.readString(m).replace("tokens 16", "tokens16"));
        assertThatThrownBy(() -> TextCorpus.open(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("line");
    }
}

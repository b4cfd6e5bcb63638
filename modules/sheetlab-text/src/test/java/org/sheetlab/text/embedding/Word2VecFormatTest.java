package org.sheetlab.text.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.testing.ReferenceValues;
import org.sheetlab.text.embedding.Word2VecFormat.MalformedVectorsException;

/**
 * The word2vec text and binary formats: round trips, files written by gensim 4.2 (reference/word2vec_format.py), files
 * of ours that gensim read (recorded by the same script), and the errors for truncated or malformed files.
 */
class Word2VecFormatTest {
    private static final ReferenceValues REFERENCE = ReferenceValues.load("/reference/word2vec_format.json");

    @TempDir
    Path dir;

    /** The script's 6 words x 5 float32 values (unicode words, ±0, a subnormal, the largest float). */
    static WordEmbeddings reference() {
        return fromJson(REFERENCE.root());
    }

    static WordEmbeddings fromJson(JsonNode node) {
        List<String> words = new ArrayList<>();
        node.get("words").forEach(w -> words.add(w.asText()));
        JsonNode rows = node.get("vectors");
        int d = rows.get(0).size();
        float[] table = new float[words.size() * d];
        for (int i = 0; i < words.size(); i++) {
            for (int j = 0; j < d; j++) {
                double value = rows.get(i).get(j).asDouble();
                assertThat((double) (float) value).as("JSON holds float32 values exactly").isEqualTo(value);
                table[i * d + j] = (float) value;
            }
        }
        return new WordEmbeddings(words, table, d);
    }

    /** Exact equality, bit for bit (so -0.0 differs from 0.0). */
    static void assertSame(WordEmbeddings actual, WordEmbeddings expected) {
        assertThat(actual.words()).isEqualTo(expected.words());
        assertThat(actual.dimension()).isEqualTo(expected.dimension());
        int[] a = bits(actual.table());
        int[] e = bits(expected.table());
        assertThat(a).isEqualTo(e);
    }

    private static int[] bits(float[] values) {
        return Arrays.stream(toBoxed(values)).mapToInt(Float::floatToRawIntBits).toArray();
    }

    private static Float[] toBoxed(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    static Path resource(String name) {
        try {
            return Paths.get(Word2VecFormatTest.class.getResource("/reference/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void textAndBinaryRoundTripsAreExact() {
        WordEmbeddings e = reference();
        Path text = dir.resolve("v.txt");
        Path binary = dir.resolve("v.bin");
        Word2VecFormat.writeText(e, text);
        Word2VecFormat.writeBinary(e, binary);
        assertSame(Word2VecFormat.readText(text), e);
        assertSame(Word2VecFormat.readBinary(binary), e);
        assertSame(Word2VecFormat.read(text), e);
        assertSame(Word2VecFormat.read(binary), e);
    }

    /** The binary layout by hand: header, word, space, d little-endian float32, newline (word2vec.c). */
    @Test
    void binaryLayoutIsTheCToolsByteForByte() throws IOException {
        WordEmbeddings e = new WordEmbeddings(List.of("ab", "é"), new float[] {1f, -2f, 0.5f, 0f}, 2);
        Path binary = dir.resolve("v.bin");
        Word2VecFormat.writeBinary(e, binary);
        byte[] expected = {
            '2', ' ', '2', '\n',
            'a', 'b', ' ', 0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0, '\n', // 1.0f = 0x3f800000, -2.0f = 0xc0000000
            (byte) 0xc3, (byte) 0xa9, ' ', 0, 0, 0, 0x3f, 0, 0, 0, 0, '\n' // é in UTF-8; 0.5f = 0x3f000000
        };
        assertThat(Files.readAllBytes(binary)).isEqualTo(expected);
        Path text = dir.resolve("v.txt");
        Word2VecFormat.writeText(e, text);
        assertThat(Files.readString(text, StandardCharsets.UTF_8)).isEqualTo("2 2\nab 1.0 -2.0\né 0.5 0.0\n");
    }

    /** gensim 4.2's save_word2vec_format files (text, and binary without newlines between vectors) read exactly. */
    @Test
    void readsFilesWrittenByGensim() {
        WordEmbeddings expected = reference();
        assertSame(Word2VecFormat.readText(resource("gensim_vectors.txt")), expected);
        assertSame(Word2VecFormat.readBinary(resource("gensim_vectors.bin")), expected);
        assertSame(Word2VecFormat.read(resource("gensim_vectors.bin")), expected);
    }

    /**
     * Our files load in gensim: the committed sheetlab_vectors.* are what our writer writes today (byte for byte), and
     * the script recorded what gensim's load_word2vec_format read from them: the same words and values.
     */
    @Test
    void gensimReadsFilesWeWrite() throws IOException {
        WordEmbeddings e = reference();
        for (String suffix : List.of("txt", "bin")) {
            Path ours = dir.resolve("ours." + suffix);
            if (suffix.equals("txt")) {
                Word2VecFormat.writeText(e, ours);
            } else {
                Word2VecFormat.writeBinary(e, ours);
            }
            if (Boolean.getBoolean("sheetlab.regenerate")) {
                Files.copy(ours, Paths.get("src/test/resources/reference/sheetlab_vectors." + suffix),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                continue;
            }
            try (InputStream committed = getClass().getResourceAsStream("/reference/sheetlab_vectors." + suffix)) {
                assertThat(committed).as("sheetlab_vectors.%s (regenerate: see word2vec_format.py)", suffix)
                        .isNotNull();
                assertThat(Files.readAllBytes(ours)).as("our writer still writes the file gensim read")
                        .isEqualTo(committed.readAllBytes());
            }
            JsonNode gensimRead = REFERENCE.root().get("gensim_read_sheetlab_" + suffix);
            assertThat(gensimRead).as("gensim's reading of sheetlab_vectors.%s in the JSON", suffix).isNotNull();
            assertSame(fromJson(gensimRead), e);
        }
    }

    @Test
    void truncatedOrMalformedTextNamesTheLine() throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, "3 2\na 1 2\nb 3 4\n");
        assertThatThrownBy(() -> Word2VecFormat.readText(f))
                .isInstanceOf(MalformedVectorsException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("after line 3")
                .hasMessageContaining("2 of the 3 vectors");
        Files.writeString(f, "2 2\na 1 2\nb 3\n");
        assertThatThrownBy(() -> Word2VecFormat.readText(f))
                .hasMessageContaining("line 3")
                .hasMessageContaining("2 fields")
                .hasMessageContaining("'b'");
        Files.writeString(f, "2 2\na 1 2\nb 3 x4\n");
        assertThatThrownBy(() -> Word2VecFormat.readText(f))
                .hasMessageContaining("line 3")
                .hasMessageContaining("'x4', not a number");
        Files.writeString(f, "two 2\na 1 2\n");
        assertThatThrownBy(() -> Word2VecFormat.readText(f)).hasMessageContaining("line 1").hasMessageContaining("header");
        Files.writeString(f, "2 2\na 1 2\na 3 4\n");
        assertThatThrownBy(() -> Word2VecFormat.readText(f)).hasMessageContaining("appears twice");
        Files.writeString(f, "");
        assertThatThrownBy(() -> Word2VecFormat.readText(f)).hasMessageContaining("empty");
    }

    @Test
    void truncatedOrMalformedBinaryNamesTheByteOffset() throws IOException {
        WordEmbeddings e = new WordEmbeddings(List.of("ab", "cd"), new float[] {1f, 2f, 3f, 4f}, 2);
        Path good = dir.resolve("good.bin");
        Word2VecFormat.writeBinary(e, good);
        byte[] bytes = Files.readAllBytes(good); // "2 2\n" (0-3), "ab " (4-6), 8 bytes (7-14), "\n" (15), "cd " (16-18), 8 bytes (19-26), "\n"
        Path f = dir.resolve("bad.bin");
        Files.write(f, Arrays.copyOf(bytes, 23));
        assertThatThrownBy(() -> Word2VecFormat.readBinary(f))
                .isInstanceOf(MalformedVectorsException.class)
                .hasMessageContaining("truncated at byte offset 23")
                .hasMessageContaining("vector 2 of 2 ('cd', from byte offset 19)")
                .hasMessageContaining("only 4 left");
        Files.write(f, Arrays.copyOf(bytes, 16));
        assertThatThrownBy(() -> Word2VecFormat.readBinary(f))
                .hasMessageContaining("truncated at byte offset 16")
                .hasMessageContaining("word 2 of the 2");
        // a word that runs into a newline before its space
        Files.write(f, "1 2\nab\ncd ".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Word2VecFormat.readBinary(f))
                .hasMessageContaining("byte offset 6")
                .hasMessageContaining("word 1 of 1 (from byte offset 4) is not followed by a space");
        Files.writeString(f, "2 x\n");
        assertThatThrownBy(() -> Word2VecFormat.readBinary(f))
                .hasMessageContaining("byte offset 0")
                .hasMessageContaining("header");
    }

    @Test
    void wordsWithWhitespaceCannotBeWritten() {
        WordEmbeddings e = new WordEmbeddings(List.of("a b"), new float[] {1f}, 1);
        assertThatThrownBy(() -> Word2VecFormat.writeText(e, dir.resolve("x.txt"))).hasMessageContaining("'a b'");
    }
}

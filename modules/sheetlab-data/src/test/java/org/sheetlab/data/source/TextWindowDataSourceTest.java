package org.sheetlab.data.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.data.DatasetException;

class TextWindowDataSourceTest {
    @TempDir
    Path tmp;

    private static final String TEXT = "the cat sat on the mat; ñ is a letter too.";

    private Path corpus() throws Exception {
        return Files.writeString(tmp.resolve("corpus.txt"), TEXT, StandardCharsets.UTF_8);
    }

    /** The character whose one-hot column sits at (example i, step t). */
    private static char decode(INDArray oneHot, String vocab, int i, int t) {
        for (int v = 0; v < vocab.length(); v++) {
            if (oneHot.getDouble(i, v, t) == 1) {
                return vocab.charAt(v);
            }
        }
        throw new AssertionError("no one-hot entry at " + i + ", " + t);
    }

    @Test
    void windowsAreConsecutiveAndTargetsAreTheNextCharacters() throws Exception {
        Path file = corpus();
        String vocab = TextWindowDataSource.vocabularyOf(file);
        assertThat(vocab).contains("ñ").hasSize((int) TEXT.chars().distinct().count());
        TextWindowDataSource source = new TextWindowDataSource(file, vocab, 2, 5);
        int windows = (TEXT.length() - 1) / 5; // 41 / 5 = 8 windows of 5 steps + 1 target
        assertThat(source.length()).isEqualTo(TEXT.length());
        assertThat(source.batchesPerEpoch()).isEqualTo((windows + 1) / 2);
        int w = 0;
        while (source.hasNext()) {
            MultiDataSet batch = source.next();
            INDArray x = batch.getFeatures(0);
            INDArray y = batch.getLabels(0);
            assertThat(x.shape()).containsExactly(x.size(0), vocab.length(), 5);
            for (int i = 0; i < x.size(0); i++, w++) {
                for (int t = 0; t < 5; t++) {
                    assertThat(decode(x, vocab, i, t)).isEqualTo(TEXT.charAt(w * 5 + t));
                    assertThat(decode(y, vocab, i, t)).isEqualTo(TEXT.charAt(w * 5 + t + 1));
                }
            }
            assertThat(x.sumNumber().doubleValue()).isEqualTo(x.size(0) * 5.0); // exactly one hot per step
        }
        assertThat(w).isEqualTo(windows);
    }

    @Test
    void seekLandsOnTheSameBatchAsReadingThrough() throws Exception {
        Path file = corpus();
        String vocab = TextWindowDataSource.vocabularyOf(file);
        TextWindowDataSource source = new TextWindowDataSource(file, vocab, 3, 4);
        List<MultiDataSet> all = new ArrayList<>();
        while (source.hasNext()) {
            all.add(source.next());
        }
        for (int b = 0; b < all.size(); b++) {
            source.seek(1, b);
            MultiDataSet again = source.next();
            assertBitIdentical(again.getFeatures(0), all.get(b).getFeatures(0));
            assertBitIdentical(again.getLabels(0), all.get(b).getLabels(0));
        }
        source.close();
    }

    @Test
    void unknownCharactersAndTooShortTextsAreNamed() throws Exception {
        Path file = corpus();
        TextWindowDataSource source = new TextWindowDataSource(file, "the ca", 1, 10);
        assertThatThrownBy(source::next)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("'s'")
                .hasMessageContaining("position 8")
                .hasMessageContaining("vocabularyOf");
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "abc");
        assertThatThrownBy(() -> new TextWindowDataSource(tiny, "abc", 1, 5))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("too few");
    }

    /** Every window's (input, target) strings from one epoch, in the order read. */
    private static java.util.List<String> epoch(TextWindowDataSource src, String vocab, int steps) {
        java.util.List<String> out = new java.util.ArrayList<>();
        while (src.hasNext()) {
            var ds = src.next();
            INDArray x = ds.getFeatures(0);
            INDArray y = ds.getLabels(0);
            for (int i = 0; i < x.size(0); i++) {
                StringBuilder sb = new StringBuilder();
                sb.append(decode(x, vocab, i, 0));
                for (int t = 0; t < steps; t++) {
                    sb.append(decode(y, vocab, i, t));
                    if (t + 1 < steps) {
                        org.assertj.core.api.Assertions.assertThat(decode(x, vocab, i, t + 1))
                                .isEqualTo(decode(y, vocab, i, t));
                    }
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    @Test
    void shuffledWindowsVisitEveryWindowOncePerEpochInASeededOrder() throws Exception {
        String ascii = "the cat sat on the mat; a dog sat on the log and the frog sat on a bog.";
        Path file = Files.writeString(tmp.resolve("ascii.txt"), ascii, StandardCharsets.US_ASCII);
        String vocab = TextWindowDataSource.vocabularyOf(file);
        int steps = 5;
        java.util.List<String> ordered = epoch(new TextWindowDataSource(file, vocab, 3, steps), vocab, steps);
        TextWindowDataSource a = new TextWindowDataSource(file, vocab, 3, steps, 7L);
        java.util.List<String> first = epoch(a, vocab, steps);
        org.assertj.core.api.Assertions.assertThat(first).containsExactlyInAnyOrderElementsOf(ordered);
        org.assertj.core.api.Assertions.assertThat(first).isNotEqualTo(ordered);
        for (int w = 0; w < ordered.size(); w++) { // window w covers characters [w·T, w·T + T]
            org.assertj.core.api.Assertions.assertThat(ordered.get(w))
                    .isEqualTo(ascii.substring(w * steps, w * steps + steps + 1));
        }
        a.seek(1, 0);
        java.util.List<String> second = epoch(a, vocab, steps);
        org.assertj.core.api.Assertions.assertThat(second)
                .containsExactlyInAnyOrderElementsOf(ordered)
                .isNotEqualTo(first);
        TextWindowDataSource b = new TextWindowDataSource(file, vocab, 3, steps, 7L);
        b.seek(1, 2); // the third batch of epoch 1: the same windows as reading through
        org.assertj.core.api.Assertions.assertThat(epoch(b, vocab, steps)).isEqualTo(second.subList(6, second.size()));
        a.close();
        b.close();
        // multi-byte characters cannot be read by position
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TextWindowDataSource(corpus(), TextWindowDataSource.vocabularyOf(corpus()), 2, 4, 1L))
                .hasMessageContaining("one byte per character");
    }
}

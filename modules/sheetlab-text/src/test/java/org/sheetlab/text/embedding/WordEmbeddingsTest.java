package org.sheetlab.text.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordEmbeddingsTest {
    @Test
    void rowsAreLookedUpByWord() {
        WordEmbeddings e = new WordEmbeddings(List.of("a", "b"), new float[] {1, 2, 3, 4}, 2);
        assertThat(e.size()).isEqualTo(2);
        assertThat(e.indexOf("b")).isEqualTo(1);
        assertThat(e.indexOf("c")).isEqualTo(-1);
        assertThat(e.vector("b")).containsExactly(3f, 4f);
    }

    @Test
    void badTablesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new WordEmbeddings(List.of("a", "b"), new float[3], 2))
                .hasMessageContaining("2 × 2");
        assertThatThrownBy(() -> new WordEmbeddings(List.of("a", "a"), new float[4], 2))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new WordEmbeddings(List.of("a"), new float[2], 2).vector("z"))
                .hasMessageContaining("not in the vocabulary");
    }
}

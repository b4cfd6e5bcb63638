package org.sheetlab.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VocabularyTest {
    private static final Vocabulary LETTERS = Vocabulary.of("_^abcdefghijklmnopqrstuvwxyz");

    @Test
    void idsArePositionsPaddedWithZero() {
        assertThat(LETTERS.size()).isEqualTo(28);
        assertThat(LETTERS.ids("cab", 5)).containsExactly(4, 2, 3, 0, 0);
        assertThat(LETTERS.text(new int[] {4, 2, 3, 0, 0})).isEqualTo("cab__");
        assertThat(LETTERS.id('z')).isEqualTo(27);
        assertThat(LETTERS.symbol(1)).isEqualTo('^');
        assertThat(LETTERS.contains('A')).isFalse();
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> LETTERS.ids("Cab", 5)).hasMessageContaining("'C'");
        assertThatThrownBy(() -> LETTERS.ids("abcdef", 5)).hasMessageContaining("more than the length 5");
        assertThatThrownBy(() -> LETTERS.symbol(28)).hasMessageContaining("id 28");
        assertThatThrownBy(() -> Vocabulary.of("abca")).hasMessageContaining("each character once");
        assertThatThrownBy(() -> Vocabulary.of("")).hasMessageContaining("at least one symbol");
    }
}

package org.sheetlab.data.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tokenizer's rules as the README states them, on hand-made strings. */
class CorpusTokenizerTest {
    @Test
    void lowerCaseLettersAndDigitsEverythingElseSeparates() {
        assertThat(CorpusTokenizer.tokenize("The King's well-known café, 1888."))
                .containsExactly("the", "king", "s", "well", "known", "cafe", "1888");
        assertThat(CorpusTokenizer.normalize("  A\tb\n\nC--d  ")).isEqualTo("a b c d");
    }

    @Test
    void accentsAreDroppedAndLigaturesSpelledOut() {
        assertThat(CorpusTokenizer.normalize("Æsthetic œuvre Straße naïve Ångström")).isEqualTo(
                "aesthetic oeuvre strasse naive angstrom");
        // a combining accent (NFD input) joins its neighbours instead of splitting the word
        assertThat(CorpusTokenizer.normalize("cafe\u0301s")).isEqualTo("cafes");
        // letters outside a-z after decomposition separate: Greek, the Polish l with stroke
        assertThat(CorpusTokenizer.tokenize("alpha α beta łódź")).containsExactly("alpha", "beta", "odz");
    }

    @Test
    void noTokenGivesTheEmptyString() {
        assertThat(CorpusTokenizer.normalize(" -- ; ")).isEmpty();
        assertThat(CorpusTokenizer.tokenize("")).isEmpty();
    }
}

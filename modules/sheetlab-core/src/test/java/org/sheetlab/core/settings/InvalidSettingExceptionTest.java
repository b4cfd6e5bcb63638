package org.sheetlab.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class InvalidSettingExceptionTest {
    private static final UnaryOperator<String> FLAGS =
            name -> Map.of("batchSize", "--batch-size", "experts", "--experts", "topK", "--top-k", "seed", "--seed")
                    .get(name);

    @Test
    void namesTheSettingItsValueAndTheAllowedRange() {
        InvalidSettingException e = new InvalidSettingException("batchSize", 0, ">= 1");
        assertThat(e).hasMessage("batchSize must be >= 1, got 0").isInstanceOf(IllegalArgumentException.class);
        assertThat(e.setting()).isEqualTo("batchSize");
        assertThat(e.value()).isEqualTo("0");
        assertThat(e.allowed()).isEqualTo(">= 1");
        assertThat(e.owner()).isNull();
        assertThat(e.message(FLAGS)).isEqualTo("--batch-size must be >= 1, got 0");
    }

    @Test
    void theOwnerPrefixesTheLibraryMessageOnly() {
        InvalidSettingException e = new InvalidSettingException("MoeClassifier", "experts", 0, ">= 1");
        assertThat(e).hasMessage("MoeClassifier: experts must be >= 1, got 0");
        assertThat(e.message(FLAGS)).isEqualTo("--experts must be >= 1, got 0");
    }

    @Test
    void otherSettingsInTheAllowedRangeAreRenamedToo() {
        InvalidSettingException e =
                new InvalidSettingException("MoeClassifier", "topK", 5, "between 0 and {experts} (4)");
        assertThat(e).hasMessage("MoeClassifier: topK must be between 0 and experts (4), got 5");
        assertThat(e.allowed()).isEqualTo("between 0 and experts (4)");
        assertThat(e.message(FLAGS)).isEqualTo("--top-k must be between 0 and --experts (4), got 5");
    }

    @Test
    void valuesAreNeverRenamedNorFormatted() {
        InvalidSettingException e = InvalidSettingException.mentioning(
                "seed", 7, "the checkpoint in %s was made with {seed} %s", "/tmp/{seed}/100%", 42);
        assertThat(e).hasMessage("the checkpoint in /tmp/{seed}/100% was made with seed 42");
        assertThat(e.message(FLAGS)).isEqualTo("the checkpoint in /tmp/{seed}/100% was made with --seed 42");
        assertThat(e.value()).isEqualTo("7");
        assertThat(e.allowed()).isNull();
    }

    @Test
    void aSettingWithWordsReadsAsTheWordsUnlessRenamed() {
        IllegalStateException cause = new IllegalStateException("disk");
        InvalidSettingException e = InvalidSettingException.mentioning(
                cause, "outputDir", "/x", "cannot write %s; choose a writable {outputDir|run folder}", "/x");
        assertThat(e)
                .hasMessage("cannot write /x; choose a writable run folder")
                .hasCause(cause);
        assertThat(e.message(FLAGS)).isEqualTo("cannot write /x; choose a writable run folder");
        assertThat(e.message(name -> name.equals("outputDir") ? "--output-dir" : null))
                .isEqualTo("cannot write /x; choose a writable --output-dir");
    }

    @Test
    void arrayValuesAreShownElementwise() {
        assertThat(new InvalidSettingException("channels", new int[] {0, 64}, "two numbers >= 1"))
                .hasMessage("channels must be two numbers >= 1, got [0, 64]");
        assertThat(new InvalidSettingException("names", new String[] {"a", "b"}, "one name"))
                .hasMessage("names must be one name, got [a, b]");
    }

    @Test
    void requireThrowsOnlyWhenTheCheckFails() {
        InvalidSettingException.require(true, "X", "epochs", 0, ">= 1");
        assertThatThrownBy(() -> InvalidSettingException.require(false, "X", "epochs", 0, ">= 1"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("X: epochs must be >= 1, got 0");
    }
}

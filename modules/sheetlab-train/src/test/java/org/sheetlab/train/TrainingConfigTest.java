package org.sheetlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.sheetlab.core.settings.InvalidSettingException;

/** Each bad value is reported alone, by the setting's library name, with its value and the allowed range. */
class TrainingConfigTest {
    private static void assertRefused(Consumer<TrainingConfig.Builder> set, String setting, String message) {
        TrainingConfig.Builder b = TrainingConfig.builder();
        set.accept(b);
        assertThatThrownBy(b::build)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(message)
                .satisfies(
                        e -> assertThat(((InvalidSettingException) e).setting()).isEqualTo(setting))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("--"));
    }

    @Test
    void eachBadValueIsNamedAloneWithItsValueAndRange() {
        assertRefused(b -> b.batchSize(0), "batchSize", "batchSize must be >= 1, got 0");
        assertRefused(b -> b.epochs(-3), "epochs", "epochs must be >= 1, got -3");
        assertRefused(b -> b.maxBatches(0), "maxBatches", "maxBatches must be >= 1 (or null for all), got 0");
        assertRefused(
                b -> b.checkpointEvery(-1),
                "checkpointEvery",
                "checkpointEvery must be >= 0 (0: only at epoch ends), got -1");
        assertRefused(b -> b.patience(0), "patience", "patience must be >= 1 (or null for no early stopping), got 0");
        assertRefused(b -> b.monitor(" ", false), "monitor", "monitor must be a metric name, e.g. testLoss, got  ");
    }

    @Test
    void theDefaultsAreValid() {
        TrainingConfig c = TrainingConfig.builder().build();
        assertThat(c.batchSize()).isEqualTo(128);
        assertThat(c.epochs()).isEqualTo(10);
    }
}

package org.sheetlab.experiments.run;

import java.util.Locale;

/**
 * One figure an experiment declares as its result: the key under which a variant's value is stored (an epoch metric
 * such as {@code testAccuracy}, or a value the experiment measures after training such as {@code testIwBound}), the
 * label of its column in {@code summary.txt} and its bar chart in {@code comparison.png}, and its number format.
 *
 * @param key the value's name in {@code metrics.json} and {@link Row#values()}
 * @param label the column and chart title
 * @param format a {@link String#format} pattern for one double, e.g. {@code %.4f}
 */
public record Headline(String key, String label, String format) {
    public Headline {
        if (key == null || key.isBlank() || label == null || label.isBlank()) {
            throw new IllegalArgumentException("a headline metric needs a key and a label, got " + key + ", " + label);
        }
        String.format(Locale.ROOT, format, 0.0); // fails now, not when the summary is written
    }

    /** The classifiers' headline: accuracy on the test set. */
    public static final Headline TEST_ACCURACY = of("testAccuracy", "test accuracy");

    /** The mean loss on the test set (the network's own loss function). */
    public static final Headline TEST_LOSS = of("testLoss", "test loss");

    /** A headline with four decimals. */
    public static Headline of(String key, String label) {
        return new Headline(key, label, "%.4f");
    }

    /** A headline with its own format. */
    public static Headline of(String key, String label, String format) {
        return new Headline(key, label, format);
    }

    /** The value formatted; {@code n/a} when it is missing. */
    public String format(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, format, value);
    }
}

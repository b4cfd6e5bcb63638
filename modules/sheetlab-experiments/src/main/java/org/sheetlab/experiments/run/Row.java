package org.sheetlab.experiments.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trained variant's result, as {@code metrics.json}, {@code summary.txt} and {@code comparison.png} show it: the
 * experiment's headline values by key, and what every variant has (mean seconds per training epoch, epochs run,
 * parameters).
 *
 * @param variant the variant's name (its sub-folder)
 * @param values headline values by {@link Headline#key()}, in the declared order
 * @param secondsPerEpoch mean wall time of the training epochs (evaluation excluded)
 * @param epochs epochs trained
 * @param parameters the main network's parameters
 * @param note why the variant has no values (e.g. "diverged: …"), or {@code null}
 */
public record Row(
        String variant, Map<String, Double> values, double secondsPerEpoch, int epochs, long parameters, String note) {
    public Row {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A headline value; fails naming the known keys when there is none. */
    public double value(String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(
                    "variant " + variant + " has no value '" + key + "'; it has " + values.keySet());
        }
        return v;
    }
}

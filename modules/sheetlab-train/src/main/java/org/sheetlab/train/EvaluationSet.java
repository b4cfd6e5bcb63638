package org.sheetlab.train;

import java.util.List;
import java.util.Locale;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.train.eval.Evaluator;

/**
 * Data the loop evaluates on after every epoch, under a name that prefixes its metrics: the set {@code test} with a
 * {@link org.sheetlab.train.eval.LossEvaluator} and an {@link org.sheetlab.train.eval.AccuracyEvaluator} gives
 * {@code testLoss} and {@code testAccuracy}. Evaluation reads the source from epoch 0, batch 0, in order, at most
 * {@link TrainingConfig#maxBatches()} batches.
 */
public record EvaluationSet(String name, DataSource data, List<Evaluator> evaluators) {
    public EvaluationSet {
        if (name == null || !name.matches("[a-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("an evaluation set needs a lowerCamelCase name, got " + name);
        }
        evaluators = List.copyOf(evaluators);
    }

    public static EvaluationSet of(String name, DataSource data, Evaluator... evaluators) {
        return new EvaluationSet(name, data, List.of(evaluators));
    }

    /** The metric key of an evaluator's value: set name + capitalised metric name. */
    public String key(String metric) {
        return name + metric.substring(0, 1).toUpperCase(Locale.ROOT) + metric.substring(1);
    }
}

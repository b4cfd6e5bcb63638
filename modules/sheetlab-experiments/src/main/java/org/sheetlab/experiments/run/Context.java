package org.sheetlab.experiments.run;

import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.run.RunDirectory;

/**
 * What the harness hands an experiment's hooks: its options, the one {@link TrainingConfig} made from them (the seed,
 * batch size, epochs and smoke-run limits every consumer reads), the run folder and the experiment's data, loaded
 * once.
 *
 * @param <O> the experiment's options
 * @param <D> its data
 */
public record Context<O, D>(O options, TrainingConfig config, RunDirectory run, D data) {
    /** The seed of this run: the config's. */
    public long seed() {
        return config.seed();
    }

    /** The batch size of this run: the config's. */
    public int batchSize() {
        return config.batchSize();
    }

    /**
     * How many test examples a post-training measurement may use: all {@code available}, or in a smoke run
     * ({@code --max-batches}) the examples of that many batches.
     */
    public int examples(int available) {
        Integer max = config.maxBatches();
        return max == null ? available : (int) Math.min(available, (long) max * config.batchSize());
    }
}

package org.sheetlab.experiments.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.finalq5.FinalQ5Experiment;

class EarlyStoppingTest {
    @TempDir
    Path tmp;

    private static List<EpochMetrics> history(double... testLoss) {
        List<EpochMetrics> h = new ArrayList<>();
        for (int i = 0; i < testLoss.length; i++) {
            h.add(new EpochMetrics(i + 1, 10, 1, testLoss[i], 0.5, 1, 1));
        }
        return h;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        assertThat(EarlyStopping.shouldStop(history(1.0, 0.8, 0.7), 2)).isFalse();
        assertThat(EarlyStopping.shouldStop(history(1.0, 0.8, 0.9, 0.85), 2)).isTrue();
        assertThat(EarlyStopping.shouldStop(history(1.0, 0.8, 0.9, 0.75), 2)).isFalse();
        assertThat(EarlyStopping.shouldStop(history(1.0, 1.1), 1)).isTrue();
        assertThat(EarlyStopping.shouldStop(history(1.0), 1)).isFalse();
        assertThat(EarlyStopping.isBest(history(1.0, 0.8, 0.9))).isFalse();
        assertThat(EarlyStopping.isBest(history(1.0, 0.8, 0.7))).isTrue();
    }

    /** With a learning rate far too large the test loss cannot keep improving: the run stops before its epochs. */
    @Test
    void everyExperimentTakesPatienceAndKeepsTheBestModel() {
        FinalQ5Experiment.Options o = new FinalQ5Experiment.Options();
        o.outputDir = tmp.resolve("run");
        o.epochs = 8;
        o.maxBatches = 3;
        o.batchSize = 32;
        o.quiet = true;
        o.checkpointEvery = 0;
        o.patience = 1;
        o.learningRate = 0.5;
        o.lrDecay = 1.0;
        FinalQ5Experiment.Result r = FinalQ5Experiment.run(o);
        List<EpochMetrics> h = r.history();
        assertThat(h.size()).isLessThan(8);
        assertThat(EarlyStopping.shouldStop(h, 1)).isTrue();
        assertThat(o.outputDir.resolve("best-model.zip")).exists();
    }
}

package org.sheetlab.experiments.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.Smoke;
import org.sheetlab.experiments.finalq5.FinalQ5Experiment;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.fast.DenseAdamStep;
import org.sheetlab.train.run.RunDirectory;

/** {@code --ui} through the harness: final-q5 trains through fit and records every batch; resume appends. */
class TrainingUiTest {
    @TempDir
    Path tmp;

    private static FinalQ5Experiment.Options smoke(Path out, int epochs) {
        FinalQ5Experiment.Options o = new FinalQ5Experiment.Options();
        Smoke.set(o.run, o.loop, out, epochs, 6, 64);
        o.loop.ui = true;
        return o;
    }

    private static List<StatsReport> reports(Path file, String session) throws Exception {
        FileStatsStorage storage = UiStats.open(file);
        try {
            assertThat(storage.listSessionIDs()).containsExactly(session);
            List<Persistable> all = storage.getAllUpdatesAfter(session, StatsListener.TYPE_ID, TrainingUi.WORKER, 0);
            return all.stream().map(p -> (StatsReport) p).toList();
        } finally {
            storage.close();
        }
    }

    @Test
    void finalQ5WithUiTrainsThroughFitAndRecordsEveryBatch() throws Exception {
        Path out = tmp.resolve("run");
        Outcome r = new FinalQ5Experiment().run(smoke(out, 1));
        assertThat(r.trained().step()).as("auto picks DL4J's fit with --ui").isInstanceOf(NetworkStep.class);
        List<StatsReport> reports = reports(out.resolve(UiStats.FILE), "final-q5");
        assertThat(reports).hasSize(6);
        assertThat(reports.stream().mapToInt(StatsReport::getIterationCount)).containsExactly(0, 1, 2, 3, 4, 5);
        double mean =
                reports.stream().mapToDouble(StatsReport::getScore).average().orElseThrow();
        assertThat(mean)
                .as("the recorded scores are the batches' training losses")
                .isCloseTo(r.trained().last().trainLoss(), within(1e-6));
        assertThat(reports.get(0).getLearningRates()).as("learning rates").isNotEmpty();
        assertThat(reports.get(0).getMeanMagnitudes(org.deeplearning4j.ui.model.stats.api.StatsType.Updates))
                .as("update magnitudes, for the update:parameter ratios")
                .isNotEmpty();
    }

    @Test
    void aResumedRunAppendsToTheSameSession() throws Exception {
        Path out = tmp.resolve("run");
        new FinalQ5Experiment().run(smoke(out, 1));
        FinalQ5Experiment.Options more = smoke(out, 2);
        more.loop.resume = true;
        new FinalQ5Experiment().run(more);
        List<StatsReport> reports = reports(out.resolve(UiStats.FILE), "final-q5");
        assertThat(reports.stream().mapToInt(StatsReport::getIterationCount))
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test
    void stepsThatBypassFitAreRefused() {
        FinalQ5Experiment.Options fast = smoke(tmp.resolve("fast"), 1);
        fast.loop.step = "fast";
        assertThatThrownBy(() -> new FinalQ5Experiment().run(fast))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--step fit");

        MultiLayerNetwork net =
                new MultiLayerNetwork(FinalQ5Network.builder().setInputSize(784).build());
        net.init();
        TrainingUi ui = new TrainingUi(new RunDirectory(tmp.resolve("x")));
        assertThatThrownBy(() -> ui.recorder(DenseAdamStep.of(net), new RunDirectory(tmp.resolve("x")), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DenseAdamStep")
                .hasMessageContaining("add --step fit");
        assertThat(ui.recorder(NetworkStep.of(net), new RunDirectory(tmp.resolve("x")), "x"))
                .isNotNull();
        assertThat(ui.server()).as("nothing starts before training").isNull();
    }
}

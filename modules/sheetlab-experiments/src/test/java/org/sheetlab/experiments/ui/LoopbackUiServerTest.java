package org.sheetlab.experiments.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DL4J's training UI served by {@link LoopbackUiServer}: loopback only, a free port, the recorded scores served. */
class LoopbackUiServerTest {
    @TempDir
    Path tmp;

    @Test
    void servesTheRecordedScoresOfRealFitStepsOnLoopback() throws Exception {
        List<Double> scores = UiProbes.recordFit(tmp.resolve(UiStats.FILE), "tiny", 12);
        FileStatsStorage storage = UiStats.open(tmp.resolve(UiStats.FILE));
        try (LoopbackUiServer server = LoopbackUiServer.start()) {
            server.attach(storage);
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/train/overview");
            assertThat(UiProbes.get(server.url()).statusCode()).isEqualTo(200);
            assertThat(UiProbes.get(server.url()).body()).contains("scoreiterchart");
            JsonNode data = UiProbes.overviewData(server.port());
            List<Double> served = new ArrayList<>();
            data.get("scores").forEach(s -> served.add(s.asDouble()));
            assertThat(served)
                    .as("the score chart's data: every fit step's score")
                    .isEqualTo(scores);
            assertThat(data.at("/model/0/1").asText()).isEqualTo("MultiLayerNetwork");
        } finally {
            storage.close();
        }
    }

    @Test
    void twoServersTakeTwoFreePorts() {
        try (LoopbackUiServer a = LoopbackUiServer.start();
                LoopbackUiServer b = LoopbackUiServer.start()) {
            assertThat(a.port()).isPositive().isNotEqualTo(b.port());
        }
    }

    @Test
    void closingDeletesTheUploadsFolderDl4jMadeAtStart() {
        Path uploads;
        try (LoopbackUiServer server = LoopbackUiServer.start()) {
            uploads = server.uploadsDirectory();
            assertThat(uploads)
                    .as("DL4J M2.1's VertxUIServer.start makes java.io.tmpdir/DL4JUI_<millis>")
                    .isNotNull()
                    .isDirectory();
            assertThat(uploads.getFileName().toString()).startsWith("DL4JUI_");
        }
        assertThat(uploads).doesNotExist();
    }

    @Test
    void isNotReachableOnANonLoopbackAddress() throws Exception {
        List<InetAddress> others = UiProbes.nonLoopbackAddresses();
        Assumptions.assumeFalse(
                others.isEmpty(),
                "this machine has no non-loopback address (no up interface other than lo), so there is nothing to "
                        + "reach the UI through");
        try (LoopbackUiServer server = LoopbackUiServer.start()) {
            assertThat(UiProbes.accepts(InetAddress.getByName("127.0.0.1"), server.port()))
                    .as("reachable on loopback")
                    .isTrue();
            for (InetAddress a : others) {
                assertThat(UiProbes.accepts(a, server.port()))
                        .as("port %s on %s", server.port(), a)
                        .isFalse();
            }
        }
    }
}

package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.ui.UiProbes;
import org.sheetlab.train.run.RunDirectory;

/**
 * The training UI on the packaged jar, in a real browser: {@code final-q5 --ui} trains a short run (which logs the
 * UI's URL and records {@code ui-stats.bin}), {@code sheetlab ui RUN_FOLDER} replays it, and headless Chromium (Debian
 * {@code chromium}, installed by {@code scripts/install-chromium}, which {@code scripts/test} calls) loads the overview
 * page: the score chart is drawn (flot's canvas and axis labels in the DOM) and the page's tables show the run's
 * network and iterations; the data the chart is drawn from is the run's own batch losses (their mean is the epoch's
 * {@code trainLoss} in metrics.json). The screenshot is kept as {@code target/training-ui/overview.png}. The server
 * is also checked to refuse connections on every non-loopback address of this machine.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TrainingUiIT {
    private static final Pattern URL = Pattern.compile("Training UI: (http://127\\.0\\.0\\.1:(\\d+)/train/overview)");
    private static final int BATCHES = 20;

    @TempDir
    Path tmp;

    @Test
    void theReplayedRunShowsItsScoreChartInChromium() throws Exception {
        Path chromium = chromium();
        Path run = tmp.resolve("run");
        Path trainLog = tmp.resolve("train.txt");
        int code = PackagedJar.runToExit(
                PackagedJar.command(
                        trainLog,
                        "final-q5",
                        "--ui",
                        "--epochs",
                        "1",
                        "--max-batches",
                        String.valueOf(BATCHES),
                        "--batch-size",
                        "32",
                        "--quiet",
                        "--output-dir",
                        run.toString()),
                Duration.ofMinutes(3),
                trainLog);
        String trained = PackagedJar.log(trainLog);
        assertThat(code).as(trained).isZero();
        assertThat(URL.matcher(trained).find())
                .as("the URL is logged while training: " + trained)
                .isTrue();
        assertThat(run.resolve("ui-stats.bin")).isRegularFile();
        JsonNode runJson = RunDirectory.JSON.readTree(run.resolve("run.json").toFile());
        assertThat(runJson.get("step").asText())
                .as("--ui trains through DL4J's fit")
                .isEqualTo("NetworkStep");
        double trainLoss = RunDirectory.JSON
                .readTree(run.resolve("metrics.json").toFile())
                .at("/epochs/0/trainLoss")
                .asDouble();

        Path uiLog = tmp.resolve("ui.txt");
        Process ui = PackagedJar.command(uiLog, "ui", run.toString(), "--exit-after", "240")
                .start();
        try {
            Matcher m = awaitUrl(uiLog, ui);
            String url = m.group(1);
            int port = Integer.parseInt(m.group(2));

            // the data the score chart is drawn from: one score per fit step, whose mean is the epoch's trainLoss
            JsonNode data = UiProbes.overviewData(port);
            List<Double> scores = new ArrayList<>();
            data.get("scores").forEach(s -> scores.add(s.asDouble()));
            assertThat(scores).hasSize(BATCHES);
            assertThat(scores.stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElseThrow())
                    .isCloseTo(trainLoss, within(1e-6 * trainLoss));

            Path artefacts = PackagedJar.MODULE.resolve("target/training-ui");
            Files.createDirectories(artefacts);
            String dom = browser(chromium, "--dump-dom", url);
            Files.writeString(artefacts.resolve("overview.html"), dom);
            String chart = element(dom, "scoreiterchart");
            assertThat(chart)
                    .as("flot drew the score chart: " + chart)
                    .contains("flot-base")
                    .contains("tickLabel");
            assertThat(cell(dom, "modelType")).isEqualTo("MultiLayerNetwork");
            assertThat(cell(dom, "nParams").replace(",", "")).isEqualTo("266610");
            assertThat(cell(dom, "totalParamUpdates")).isEqualTo(String.valueOf(BATCHES));

            Path png = artefacts.resolve("overview.png");
            Files.deleteIfExists(png);
            browser(chromium, "--screenshot=" + png, url);
            BufferedImage shot = ImageIO.read(png.toFile());
            assertThat(shot.getWidth()).isEqualTo(1280);
            assertThat(distinctColours(shot))
                    .as("a drawn page, not a blank one")
                    .isGreaterThan(50);

            List<InetAddress> others = UiProbes.nonLoopbackAddresses();
            assertThat(UiProbes.accepts(InetAddress.getByName("127.0.0.1"), port))
                    .isTrue();
            assertThat(others)
                    .as("the UI must not be reachable on a non-loopback address")
                    .noneMatch(a -> UiProbes.accepts(a, port));
        } finally {
            PackagedJar.end(ui);
        }
    }

    /** Debian's chromium, or a failure naming the script that installs it. */
    private static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("the browser test needs Debian's chromium: run scripts/install-chromium (as root; "
                + "scripts/test does)");
    }

    private static Matcher awaitUrl(Path log, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Matcher m = URL.matcher(PackagedJar.log(log));
            if (m.find()) {
                return m;
            }
            assertThat(p.isAlive())
                    .as("sheetlab ui ended early: " + PackagedJar.log(log))
                    .isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("sheetlab ui printed no URL within 90 s: " + PackagedJar.log(log));
    }

    /**
     * Runs headless Chromium on {@code url} (a fresh profile, 1280x900, 10 s of virtual time for the page's
     * requests and scripts) and returns its standard output.
     */
    private String browser(Path chromium, String what, String url) throws Exception {
        Path out = Files.createTempFile(tmp, "chromium", ".txt");
        Path err = Files.createTempFile(tmp, "chromium", ".err");
        Process p = new ProcessBuilder(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--user-data-dir=" + tmp.resolve("chromium-profile"),
                        "--window-size=1280,900",
                        "--virtual-time-budget=10000",
                        what,
                        url)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS))
                    .as("chromium finished: " + PackagedJar.log(err))
                    .isTrue();
            assertThat(p.exitValue()).as(PackagedJar.log(err)).isZero();
        } finally {
            PackagedJar.end(p);
        }
        return Files.readString(out);
    }

    /** The element with {@code id} and what follows it up to the next chart box (enough for its content). */
    private static String element(String dom, String id) {
        int start = dom.indexOf("id=\"" + id + "\"");
        assertThat(start).as("element #" + id + " in the page").isNotNegative();
        int end = dom.indexOf("hoverdata", start);
        return dom.substring(start, end < 0 ? dom.length() : end);
    }

    /** The text of the table cell with {@code id}. */
    private static String cell(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
        assertThat(m.find()).as("cell #" + id).isTrue();
        return m.group(1).strip();
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}

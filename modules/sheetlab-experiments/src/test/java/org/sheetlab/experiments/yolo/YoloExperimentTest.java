package org.sheetlab.experiments.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.detection.DetectionArrays;
import org.sheetlab.data.detection.PastedItemsGenerator;
import org.sheetlab.data.detection.VocDataset;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.experiments.RunFolders;
import org.sheetlab.experiments.Smoke;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.train.run.RunDirectory;

/**
 * Seconds-long runs on a tiny fashion-detect set the test generates (48×48 canvases, 24 train / 8 test images), a
 * resumed run against an uninterrupted one, the DataVec arrays, and the experiment's own bad options.
 */
class YoloExperimentTest {
    @TempDir
    static Path shared;

    private static Path set;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generateTinySet() {
        set = PastedItemsGenerator.generate(
                FashionMnist.loadOrFetch(null),
                shared.resolve("tiny-detect"),
                new PastedItemsGenerator.Options(48, 24, 8, 1, 3, 0.75, 1.25, 1.5, 0.4, 5L));
    }

    private static YoloExperiment.Options smoke(Path out, int epochs) {
        YoloExperiment.Options o = new YoloExperiment.Options();
        Smoke.set(o.run, o.loop, out, epochs, 2, 4);
        o.dataDir.value = set;
        o.widths = List.of(4, 8, 8); // stride 4: a 12x12 grid on 48x48
        o.anchors = 3;
        o.samples = 2;
        o.sweepScores = List.of(0.01, 0.6);
        o.sweepIous = List.of(0.5, 1.0);
        return o;
    }

    @Test
    void trainsEvaluatesAndWritesTheTablesChartsAndSamples() throws Exception {
        Path out = tmp.resolve("run");
        YoloExperiment.Options o = smoke(out, 2);
        Outcome r = new YoloExperiment().run(o);
        RunFolders.assertShowsHeadline(new YoloExperiment(), o, r);
        var row = r.rows().get(0);
        // --max-batches 2 of 4: the first 8 test images are evaluated
        assertThat(row.value("testImagesEvaluated")).isEqualTo(8.0);
        for (String key : List.of("testMap50", "testMap50to95", "testMap50SheetNms")) {
            assertThat(row.value(key)).isBetween(0.0, 1.0);
        }
        List<String> csv = Files.readAllLines(out.resolve("ap-per-class.csv"));
        assertThat(csv).hasSize(1 + 10); // header, Fashion-MNIST's ten classes (sorted, DataVec's order)
        assertThat(csv.get(1)).startsWith("\"Ankle boot\",");
        List<String> sweep = Files.readAllLines(out.resolve("nms-sweep.csv"));
        assertThat(sweep).hasSize(1 + 4);
        assertThat(sweep.get(1)).startsWith("0.01,0.5,");
        // the sheet's point of the sweep is the headline's sheet column
        String sheetLine =
                sweep.stream().filter(l -> l.startsWith("0.6,0.5,")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(sheetLine.split(",")[2])).isEqualTo(row.value("testMap50SheetNms"));
        assertThat(Files.readString(out.resolve("nms-sweep.txt"))).contains("  *");
        for (String png : List.of("nms-sweep.png", "pr-curves.png", "curves.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertThat(img.getWidth()).as(png).isGreaterThan(500);
        }
        try (var files = Files.list(out.resolve(YoloSamples.FOLDER))) {
            List<Path> pngs =
                    files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
            assertThat(pngs).hasSize(2);
            BufferedImage sample = ImageIO.read(pngs.get(0).toFile());
            // four 48x48 panels at 3x, 6 px apart: truth, before NMS, after NMS, the sheet's NMS
            assertThat(sample.getWidth()).isEqualTo(4 * 48 * 3 + 3 * 6);
            assertThat(sample.getHeight()).isEqualTo(48 * 3);
        }
        assertThat(Files.readString(out.resolve("anchors.txt"))).contains("grid 12x12");
        JsonNode run = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("nmsSweep")).hasSize(4);
        assertThat(run.get("anchorsPixels")).hasSize(3);
        assertThat(run.get("grid").toString()).isEqualTo("[12,12]");
    }

    @Test
    void resumeContinuesExactlyAsAnUninterruptedRun() {
        Outcome straight = new YoloExperiment().run(smoke(tmp.resolve("a"), 2));
        new YoloExperiment().run(smoke(tmp.resolve("b"), 1));
        YoloExperiment.Options resume = smoke(tmp.resolve("b"), 2);
        resume.loop.resume = true;
        Outcome resumed = new YoloExperiment().run(resume);
        assertThat(resumed.trained().history()).hasSize(2);
        assertThat(resumed.trained().history().get(1).trainLoss())
                .isEqualTo(straight.trained().history().get(1).trainLoss());
        assertBitIdentical(
                resumed.trained().model().params(), straight.trained().model().params());
        assertThat(resumed.rows().get(0).value("testMap50"))
                .isEqualTo(straight.rows().get(0).value("testMap50"));
    }

    @Test
    void dataVecArraysHoldEachImageAndItsYoloLabelsInListOrder() {
        VocDataset test = VocDataset.read(set, "test");
        DetectionArrays a = DetectionArrays.read(test, 48, 48, 1, 12, 12);
        assertThat(a.images().shape()).containsExactly(8, 1, 48, 48);
        assertThat(a.labels().shape()).containsExactly(8, 4 + test.classes().size(), 12, 12);
        assertThat(a.images().minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(a.images().maxNumber().doubleValue())
                .isLessThanOrEqualTo(1.0)
                .isGreaterThan(0.5);
        // the first box of image 3: its class channel is set at the cell of its centre (4 px cells)
        var im = test.images().get(3);
        var box = im.boxes().get(0);
        int cx = (int) Math.floor(box.centerX() / 4);
        int cy = (int) Math.floor(box.centerY() / 4);
        assertThat(a.labels().getDouble(3, 4 + box.classId(), cy, cx)).isEqualTo(1.0);
        assertThat(a.labels().getDouble(3, 0, cy, cx))
                .isEqualTo(box.xmin() / 4.0, org.assertj.core.data.Offset.offset(1e-5));
        // a batch of the evaluation source is the first rows, back in rank 4
        var batch = a.source(4, false, 1).next();
        assertThat(batch.getFeatures(0).shape()).containsExactly(4, 1, 48, 48);
        assertThat(batch.getLabels(0).shape())
                .containsExactly(4, 4 + test.classes().size(), 12, 12);
        assertBitIdentical(batch.getLabels(0), a.labels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)));
    }

    @Test
    void badOptionsAreNamed() {
        YoloExperiment.Options anchors = smoke(tmp.resolve("bad1"), 1);
        anchors.anchors = 0;
        assertThatThrownBy(() -> new YoloExperiment().run(anchors)).hasMessageContaining("--anchors");
        YoloExperiment.Options iou = smoke(tmp.resolve("bad2"), 1);
        iou.sweepIous = List.of(0.5, 1.5);
        assertThatThrownBy(() -> new YoloExperiment().run(iou))
                .hasMessageContaining("--sweep-ious")
                .hasMessageContaining("1.5");
        YoloExperiment.Options notVoc = smoke(tmp.resolve("bad3"), 1);
        notVoc.dataDir.value = tmp;
        assertThatThrownBy(() -> new YoloExperiment().run(notVoc))
                .hasMessageContaining("is not a VOC detection set")
                .hasMessageContaining("Annotations/");
        YoloExperiment.Options deep = smoke(tmp.resolve("bad4"), 1);
        deep.widths = List.of(4, 4, 4, 4, 4, 4, 4); // stride 64 on 48x48 images
        assertThatThrownBy(() -> new YoloExperiment().run(deep))
                .hasMessageContaining("48x48")
                .hasMessageContaining("stride 64");
        assertThat(tmp.resolve("bad4")).doesNotExist(); // refused before anything is written
        YoloExperiment.Options many = smoke(tmp.resolve("bad5"), 1);
        many.trainImages = 1;
        many.anchors = 20;
        assertThatThrownBy(() -> new YoloExperiment().run(many)).hasMessageContaining("training boxes");
    }
}

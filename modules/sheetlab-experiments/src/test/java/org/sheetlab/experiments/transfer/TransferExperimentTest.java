package org.sheetlab.experiments.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.RunFolders;
import org.sheetlab.experiments.Smoke;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.train.run.RunDirectory;

/** A seconds-long smoke run on tiny image folders, and the --images path on photos the test writes. */
class TransferExperimentTest {
    @TempDir
    Path tmp;

    private TransferExperiment.Options smoke(Path out) {
        TransferExperiment.Options o = new TransferExperiment.Options();
        Smoke.set(o.run, o.loop, out, 1, 2, 8);
        o.sizes = List.of(2, 4);
        o.strategies = List.of("scratch", "freeze3");
        o.sourcePerClass = 8;
        o.testPerClass = 4;
        o.minImagesPerEpoch = 16;
        return o;
    }

    @Test
    void pretrainsTransfersAndWritesThePlotAndTheConfusionMatrix() throws Exception {
        Path out = tmp.resolve("run");
        TransferExperiment.Options o = smoke(out);
        Outcome r = new TransferExperiment().run(o);
        RunFolders.assertShowsHeadline(new TransferExperiment(), o, r);
        assertThat(r.rows())
                .extracting(Row::variant)
                .containsExactly("pretrain", "scratch-2", "freeze3-2", "scratch-4", "freeze3-4");
        // the target folder holds Fashion-MNIST classes 5-9 as PNGs, 4 per class (the largest size)
        Path target = out.resolve("images").resolve("target-train");
        try (var classes = Files.list(target)) {
            assertThat(classes.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("5-sandal", "6-shirt", "7-sneaker", "8-bag", "9-ankle-boot");
        }
        try (var files = Files.list(target.resolve("8-bag"))) {
            assertThat(files.count()).isEqualTo(4);
        }
        // freezing block1-3 leaves fewer trainable parameters than training from scratch
        assertThat(r.row("freeze3-2").value("trainableParameters"))
                .isLessThan(r.row("scratch-2").value("trainableParameters"));
        for (String png : List.of("accuracy-vs-size.png", "confusion.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertThat(img.getWidth()).isGreaterThan(500);
        }
        JsonNode confusion =
                RunDirectory.JSON.readTree(out.resolve("confusion.json").toFile());
        long total = 0;
        for (JsonNode row : confusion.get("counts")) {
            for (JsonNode cell : row) {
                total += cell.asLong();
            }
        }
        assertThat(total).isEqualTo(16); // --max-batches 2 of 8 test images
        JsonNode run = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("skippedImages").asInt()).isZero();
    }

    @Test
    void ownPhotosTrainThroughTheSameFolderPathAndCorruptFilesAreSkippedAndCounted() throws Exception {
        Path photos = tmp.resolve("photos");
        java.util.Random rng = new java.util.Random(3);
        for (String cls : List.of("acne", "eczema", "psoriasis", "rosacea", "vitiligo")) {
            Files.createDirectories(photos.resolve(cls));
            for (int i = 0; i < 5; i++) {
                // colour photos of another aspect ratio: read as grey and centre-cropped to square
                BufferedImage img = new BufferedImage(48, 36, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 36; y++) {
                    for (int x = 0; x < 48; x++) {
                        img.setRGB(x, y, rng.nextInt(1 << 24));
                    }
                }
                ImageIO.write(
                        img,
                        i % 2 == 0 ? "png" : "jpg",
                        photos.resolve(cls)
                                .resolve(i + (i % 2 == 0 ? ".png" : ".jpg"))
                                .toFile());
            }
        }
        Files.write(photos.resolve("eczema").resolve("truncated.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Path out = tmp.resolve("own");
        TransferExperiment.Options o = smoke(out);
        o.images = photos;
        o.sizes = List.of(3);
        o.strategies = List.of("freeze3");
        Outcome r = new TransferExperiment().run(o);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("pretrain", "freeze3-3");
        JsonNode run = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(run.get("skippedImages").asInt()).isEqualTo(1);
        assertThat(run.get("skippedImageFiles").get(0).asText()).endsWith("truncated.jpg");
        assertThat(run.get("targetClasses")).hasSize(5);

        TransferExperiment.Options strict = smoke(tmp.resolve("strict"));
        strict.images = photos;
        strict.onCorrupt = "fail";
        assertThatThrownBy(() -> new TransferExperiment().run(strict))
                .hasMessageContaining("truncated.jpg")
                .hasMessageContaining("skip unreadable");
    }

    @Test
    void weightsFileReplacesThePretrainingAndItsFrozenBlocksStayAsLoaded() throws Exception {
        // the vgg19 loader's fixture: a Keras VGG19 at width 1/32 without the top (conv weights fit any input size)
        Path h5 = Path.of(System.getProperty("user.dir"))
                .getParent()
                .resolve("sheetlab-models/src/test/resources/vision/vgg19_w1-32_64x96_model_notop.h5");
        Path out = tmp.resolve("weights");
        TransferExperiment.Options o = smoke(out);
        o.weights = h5;
        o.width = 1.0 / 32;
        o.sizes = List.of(2);
        o.strategies = List.of("freeze3");
        Outcome r = new TransferExperiment().run(o);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("freeze3-2");
        assertThat(out.resolve("pretrain")).doesNotExist();
        org.deeplearning4j.nn.graph.ComputationGraph loaded = org.sheetlab.models.vision.Vgg19Weights.initKeras(
                org.sheetlab.models.vision.Vgg19.builder()
                        .optInputSize(32, 32, 3)
                        .optWidth(1.0 / 32)
                        .optIncludeTop(false),
                h5);
        org.deeplearning4j.nn.graph.ComputationGraph trained = (org.deeplearning4j.nn.graph.ComputationGraph)
                r.result("freeze3-2").model();
        for (String layer : List.of("block1_conv1", "block3_conv4")) {
            org.sheetlab.testing.NdAssert.assertBitIdentical(
                    trained.getLayer(layer).params().dup(),
                    loaded.getLayer(layer).params().dup());
        }
        // the images were read in colour for the ImageNet backbone
        assertThat(trained.getLayer("block1_conv1").getParam("W").size(1)).isEqualTo(3);
    }

    @Test
    void badOptionsAreNamed() {
        TransferExperiment.Options o = smoke(tmp.resolve("bad"));
        o.strategies = List.of("freeze9");
        assertThatThrownBy(() -> new TransferExperiment().run(o)).hasMessageContaining("freeze9");
        TransferExperiment.Options small = smoke(tmp.resolve("bad2"));
        small.imageSize = 28;
        assertThatThrownBy(() -> new TransferExperiment().run(small)).hasMessageContaining("--image-size");
        TransferExperiment.Options missing = smoke(tmp.resolve("bad3"));
        missing.images = tmp.resolve("nowhere");
        assertThatThrownBy(() -> new TransferExperiment().run(missing))
                .hasMessageContaining("nowhere")
                .hasMessageContaining("one subfolder per class");
        TransferExperiment.Options noWeights = smoke(tmp.resolve("bad4"));
        noWeights.weights = tmp.resolve("vgg19.h5");
        assertThatThrownBy(() -> new TransferExperiment().run(noWeights))
                .hasMessageContaining("vgg19.h5 is not a file")
                .hasMessageContaining("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5");
    }
}

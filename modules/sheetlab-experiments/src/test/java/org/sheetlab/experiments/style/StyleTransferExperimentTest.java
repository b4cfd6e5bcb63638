package org.sheetlab.experiments.style;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.photos.Photos;
import org.sheetlab.experiments.RunFolders;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.train.run.RunDirectory;

/**
 * style-transfer on two small images the test draws (a gradient with a square; stripes), 32×32, a narrow random
 * VGG19 (width 1/32): the run folder shows the headline, the snapshots and the network note; the style loss falls; a run
 * stopped after one epoch and resumed ends with the same image, bit for bit, as an uninterrupted one.
 */
class StyleTransferExperimentTest {
    @TempDir
    Path tmp;

    private Path content;
    private Path style;

    @BeforeEach
    void images() throws Exception {
        BufferedImage c = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        BufferedImage s = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                boolean square = x > 12 && x < 28 && y > 8 && y < 22;
                c.setRGB(x, y, square ? 0xffffff : (x * 6) << 16 | (y * 8) << 8 | 40);
            }
        }
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                s.setRGB(x, y, ((x + y) / 3) % 2 == 0 ? 0xd04010 : 0x1030c0);
            }
        }
        content = tmp.resolve("content.png");
        style = tmp.resolve("style.jpg");
        ImageIO.write(c, "png", content.toFile());
        ImageIO.write(s, "jpg", style.toFile());
    }

    private StyleTransferExperiment.Options options(Path out, int epochs) {
        StyleTransferExperiment.Options o = new StyleTransferExperiment.Options();
        o.run.outputDir = out;
        o.run.quiet = true;
        o.content = content;
        o.style = style;
        o.size = 32;
        o.width = 1.0 / 32;
        o.stepsPerEpoch = 4;
        o.loop.epochs = epochs;
        return o;
    }

    @Test
    void smokeRunShowsHeadlineSnapshotsAndTheNetworkNote() throws Exception {
        StyleTransferExperiment.Options o = options(tmp.resolve("run"), 3);
        Outcome r = new StyleTransferExperiment().run(o);
        RunFolders.assertShowsHeadline(new StyleTransferExperiment(), o, r);
        Path folder = o.run.outputDir.resolve(StyleTransferExperiment.RANDOM);
        for (String f : List.of(
                "snapshot-step-000004.png",
                "snapshot-step-000008.png",
                "snapshot-step-000012.png",
                "final.png",
                "panel.png",
                "losses.png",
                "checkpoint.zip")) {
            assertThat(folder.resolve(f)).as(f).isRegularFile();
        }
        assertThat(ImageIO.read(folder.resolve("final.png").toFile()).getWidth())
                .isEqualTo(32);
        assertThat(r.only().value("styleReduction")).isLessThan(1.0);
        var run = RunDirectory.JSON.readTree(o.run.outputDir.resolve("run.json").toFile());
        assertThat(run.toString()).contains("RANDOM WEIGHTS").contains("\"imagenetWeights\":false");
        assertThat(o.run.outputDir.resolve("NETWORK.txt")).content().contains("not the ImageNet VGG19 result");
        assertThat(o.run.outputDir.resolve("summary.txt")).content().contains(StyleTransferExperiment.RANDOM);
    }

    @Test
    void resumedRunEndsWithTheSameImage() throws Exception {
        StyleTransferExperiment.Options whole = options(tmp.resolve("whole"), 2);
        new StyleTransferExperiment().run(whole);
        StyleTransferExperiment.Options first = options(tmp.resolve("resumed"), 1);
        new StyleTransferExperiment().run(first);
        StyleTransferExperiment.Options rest = options(tmp.resolve("resumed"), 2);
        rest.loop.resume = true;
        new StyleTransferExperiment().run(rest);
        String name = StyleTransferExperiment.RANDOM + "/final.png";
        INDArray a = Photos.read(whole.run.outputDir.resolve(name), 32, 32, DataType.DOUBLE);
        INDArray b = Photos.read(rest.run.outputDir.resolve(name), 32, 32, DataType.DOUBLE);
        assertThat(a.data().asDouble()).containsExactly(b.data().asDouble());
        // the per-step losses (doubles, as JSON writes them exactly) agree too
        String losses = StyleTransferExperiment.RANDOM + "/style-transfer.json";
        var h1 = RunDirectory.JSON.readTree(whole.run.outputDir.resolve(losses).toFile());
        var h2 = RunDirectory.JSON.readTree(rest.run.outputDir.resolve(losses).toFile());
        assertThat(h2.get("history")).isEqualTo(h1.get("history"));
        assertThat(h2.get("history").size()).isEqualTo(8);
    }

    /**
     * {@code --weights} with a Keras .h5 file of VGG19's layout (the vgg19 loader's width-1/32 fixture, made by
     * sheetlab-models' {@code vision/vgg19_weights.py}): the weights are loaded, the caffe preprocessing is used, and
     * the run folder says ImageNet weights (the fixture's weights are random, but the code path is the user's).
     */
    @Test
    void weightsFileIsLoadedAndRecorded() throws Exception {
        Path h5 = Path.of(System.getProperty("user.dir"))
                .getParent()
                .resolve("sheetlab-models/src/test/resources/vision/vgg19_w1-32_64x96_keras.h5");
        StyleTransferExperiment.Options o = options(tmp.resolve("weights"), 1);
        o.weights = h5;
        o.stepsPerEpoch = 2;
        Outcome r = new StyleTransferExperiment().run(o);
        assertThat(r.only().variant()).isEqualTo(StyleTransferExperiment.IMAGENET);
        var run = RunDirectory.JSON.readTree(o.run.outputDir.resolve("run.json").toFile());
        assertThat(run.toString()).contains("\"imagenetWeights\":true").contains("caffe");
        // the network's first kernel is the file's (Keras HWIO → DL4J OIHW), not a random one
        var net = StyleTransferExperiment.network(o, 42);
        var fresh = org.sheetlab.models.vision.Vgg19.builder()
                .optInputSize(32, 32, 3)
                .optIncludeTop(false)
                .optWidth(1.0 / 32)
                .optSeed(42)
                .init();
        assertThat(net.getLayer("block1_conv1")
                        .getParam("W")
                        .equalsWithEps(fresh.getLayer("block1_conv1").getParam("W"), 0.0))
                .isFalse();
        StyleTransferExperiment.Options wrong = options(tmp.resolve("wrong"), 1);
        wrong.weights = h5;
        wrong.width = 0.25;
        assertThatThrownBy(() -> new StyleTransferExperiment().run(wrong)).hasMessageContaining("block1_conv1");
    }

    @Test
    void badOptionsAreRefusedWithTheFix() {
        StyleTransferExperiment.Options o = options(tmp.resolve("bad"), 1);
        o.styleLayers = List.of("block9_conv1");
        assertThatThrownBy(() -> new StyleTransferExperiment().run(o))
                .hasMessageContaining("no layer 'block9_conv1'")
                .hasMessageContaining("block1_conv1");
        StyleTransferExperiment.Options p = options(tmp.resolve("bad2"), 1);
        p.styleWeights = new double[] {1, 2};
        assertThatThrownBy(() -> new StyleTransferExperiment().run(p)).hasMessageContaining("--style-weights");
        StyleTransferExperiment.Options q = options(tmp.resolve("bad3"), 1);
        q.content = tmp.resolve("missing.png");
        assertThatThrownBy(() -> new StyleTransferExperiment().run(q)).hasMessageContaining("missing.png");
    }
}

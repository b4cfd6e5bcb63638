package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.models.vision.Vgg19;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab bench vgg}: training samples/s of a {@link Vgg19} step (DL4J fit, Adam(1e-3), softmax cross-entropy)
 * against torchvision's vgg19 layout in PyTorch CPU ({@code bench/vgg_torch.py}), in two settings:
 *
 * <ul>
 *   <li>{@code small}: the reduced width (default 0.125: 8/16/32/64/64 channels, fc 512) on 32×32×3 images, 10
 *       classes, batch 32, the size the transfer experiment trains on a CPU;</li>
 *   <li>{@code full}: the real VGG19 (width 1, 224×224×3, 1000 classes, 143,667,240 parameters), batch 2, a few
 *       steps ({@code --skip-full} leaves it out; it needs about 3 GB of memory on each side).</li>
 * </ul>
 *
 * Both sides train on one fixed random batch (uniform [0, 1) pixels, random labels), so that only the step is timed.
 * Then, unless {@code --skip-style}, the style-transfer iteration ({@link StyleBench}, {@code bench style}, recorded
 * on its own). The ratio is the worst setting's.
 */
@Command(
        name = "vgg",
        mixinStandardHelpOptions = true,
        description =
                "A VGG19 training step (reduced width on 32x32, and the real VGG19 on 224x224 at batch 2), "
                        + "samples/s vs torchvision's vgg19 layout in PyTorch; then the style-transfer iteration (bench style).")
final class VggBench extends Bench {
    @Option(
            names = "--batch-size",
            description = "Batch size of the reduced-width setting (default: ${DEFAULT-VALUE}).")
    int batchSize = 32;

    @Option(names = "--width", description = "Width multiplier of the reduced setting (default: ${DEFAULT-VALUE}).")
    double width = 0.125;

    @Option(names = "--size", description = "Image side of the reduced setting, >= 32 (default: ${DEFAULT-VALUE}).")
    int size = 32;

    @Option(names = "--full-batch-size", description = "Batch size of the full VGG19 (default: ${DEFAULT-VALUE}).")
    int fullBatchSize = 2;

    @Option(names = "--full-batches", description = "Timed steps of the full VGG19 (default: ${DEFAULT-VALUE}).")
    int fullBatches = 4;

    @Option(names = "--skip-full", description = "Leave out the full-width VGG19 (and the style part's full widths).")
    boolean skipFull;

    @Option(
            names = "--skip-style",
            description = "Leave out the style-transfer iteration (bench style, run after the training step).")
    boolean skipStyle;

    @Option(
            names = "--config",
            hidden = true,
            description = "With --measure: the setting's name, small or full (default: ${DEFAULT-VALUE}).")
    String config = "small";

    @Option(names = "--classes", hidden = true, description = "With --measure: classes (default: ${DEFAULT-VALUE}).")
    int classes = 10;

    VggBench() {
        super(30, 3);
    }

    /** One setting: the network (width, image side, classes) and the batch, timed steps and warm-up steps. */
    private record Setting(double width, int side, int classes, int batchSize, int batches, int warmup) {
        /** The arguments of both sides (sheetlab's --measure and bench/vgg_torch.py). */
        Object[] args() {
            return new Object[] {
                "--batch-size",
                batchSize,
                "--batches",
                batches,
                "--warmup",
                warmup,
                "--width",
                width,
                "--size",
                side,
                "--classes",
                classes
            };
        }
    }

    private Setting setting(String which) {
        return which.equals("full")
                ? new Setting(1, 224, 1000, fullBatchSize, fullBatches, 1)
                : new Setting(width, size, 10, batchSize, batches, warmup);
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        List<String> configs = skipFull ? List.of("small") : List.of("small", "full");
        for (String which : configs) {
            Object[] args = setting(which).args();
            List<Object> ours = new java.util.ArrayList<>(List.of("--config", which));
            ours.addAll(List.of(args));
            for (int r = 1; r <= rounds; r++) {
                sheetlab(file("sheetlab", which, r), ours.toArray());
                peers(which, r, "vgg_torch.py", args);
            }
        }
        OptionalDouble training = report("--configs", String.join(" ", configs));
        if (skipStyle) {
            return training;
        }
        double iteration = stylePart().compare().orElseThrow();
        System.out.printf(
                Locale.ROOT, "training step %.2f, style-transfer iteration %.2f%n", training.orElseThrow(), iteration);
        return OptionalDouble.of(Math.min(training.orElseThrow(), iteration));
    }

    /** The style part as {@code vgg} runs it (its defaults, --skip-full handed on); for the tests. */
    StyleBench stylePart() throws IOException {
        StyleBench style = part(new StyleBench());
        style.skipFull = skipFull;
        return style;
    }

    @Override
    Map<String, Object> measure() {
        if (size < Vgg19.MIN_INPUT_SIZE) {
            throw new IllegalArgumentException("--size must be >= " + Vgg19.MIN_INPUT_SIZE + ", got " + size);
        }
        ComputationGraph net = Vgg19.builder()
                .optWidth(width)
                .optInputSize(size, size, 3)
                .optClasses(classes)
                .optSeed(seed)
                .init();
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, batchSize, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batchSize, classes);
        for (int i = 0; i < batchSize; i++) {
            y.putScalar(i, Nd4j.getRandom().nextInt(classes), 1);
        }
        DataSet ds = new DataSet(x, y);
        for (int i = 0; i < warmup; i++) {
            net.fit(ds);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            net.fit(ds);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab Vgg19 (DL4J fit, FastConvolution2D)");
        r.put("config", config);
        r.put("width", width);
        r.put("size", size);
        r.put("parameters", net.numParams());
        r.put("batchSize", batchSize);
        r.put("batches", batches);
        r.put("seconds", seconds);
        r.put("samplesPerSecond", batches * batchSize / seconds);
        System.err.printf(
                Locale.ROOT,
                "sheetlab vgg %s: %.1f samples/s (batch %d, %d steps, %.2f s)%n",
                config,
                batches * batchSize / seconds,
                batchSize,
                batches,
                seconds);
        return r;
    }
}

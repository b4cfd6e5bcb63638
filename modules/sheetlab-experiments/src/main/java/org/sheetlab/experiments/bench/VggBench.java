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
 * The ratio is the worse setting's.
 */
@Command(
        name = "vgg",
        mixinStandardHelpOptions = true,
        description = "A VGG19 training step (reduced width on 32x32, and the real VGG19 on 224x224 at batch 2), "
                + "samples/s vs torchvision's vgg19 layout in PyTorch.")
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

    @Option(names = "--skip-full", description = "Leave out the full-width VGG19.")
    boolean skipFull;

    @Option(
            names = "--config",
            hidden = true,
            description = "With --measure: small or full (default: ${DEFAULT-VALUE}).")
    String config = "small";

    VggBench() {
        super(30, 3);
    }

    /** The peer's arguments for setting {@code which}: the same network, batch and steps as sheetlab's side. */
    private List<Object> peerSetting(String which) {
        return which.equals("full")
                ? List.of(
                        "--batch-size",
                        fullBatchSize,
                        "--batches",
                        fullBatches,
                        "--warmup",
                        1,
                        "--width",
                        1.0,
                        "--size",
                        224,
                        "--classes",
                        1000)
                : List.of(
                        "--batch-size",
                        batchSize,
                        "--batches",
                        batches,
                        "--warmup",
                        warmup,
                        "--width",
                        width,
                        "--size",
                        size,
                        "--classes",
                        10);
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        List<String> configs = skipFull ? List.of("small") : List.of("small", "full");
        for (String which : configs) {
            for (int r = 1; r <= rounds; r++) {
                sheetlab(
                        file("sheetlab", which, r),
                        "--config",
                        which,
                        "--batch-size",
                        batchSize,
                        "--batches",
                        batches,
                        "--warmup",
                        warmup,
                        "--width",
                        width,
                        "--size",
                        size,
                        "--full-batch-size",
                        fullBatchSize,
                        "--full-batches",
                        fullBatches);
                peers(which, r, "vgg_torch.py", peerSetting(which).toArray());
            }
        }
        return report("--configs", String.join(" ", configs));
    }

    @Override
    Map<String, Object> measure() {
        boolean full = config.equals("full");
        if (!full && !config.equals("small")) {
            throw new IllegalArgumentException("--config must be small or full, got " + config);
        }
        int side = full ? 224 : size;
        int classes = full ? 1000 : 10;
        int batch = full ? fullBatchSize : batchSize;
        ComputationGraph net = Vgg19.builder()
                .optWidth(full ? 1 : width)
                .optInputSize(side, side, 3)
                .optClasses(classes)
                .optSeed(seed)
                .init();
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, side, side);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, Nd4j.getRandom().nextInt(classes), 1);
        }
        DataSet ds = new DataSet(x, y);
        int timed = full ? fullBatches : batches;
        for (int i = 0; i < (full ? 1 : warmup); i++) {
            net.fit(ds);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < timed; i++) {
            net.fit(ds);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab Vgg19 (DL4J fit, FastConvolution2D)");
        r.put("config", config);
        r.put("width", full ? 1.0 : width);
        r.put("size", side);
        r.put("parameters", net.numParams());
        r.put("batchSize", batch);
        r.put("batches", timed);
        r.put("seconds", seconds);
        r.put("samplesPerSecond", timed * batch / seconds);
        System.err.printf(
                Locale.ROOT,
                "sheetlab vgg %s: %.1f samples/s (batch %d, %d steps, %.2f s)%n",
                config,
                timed * batch / seconds,
                batch,
                timed,
                seconds);
        return r;
    }
}

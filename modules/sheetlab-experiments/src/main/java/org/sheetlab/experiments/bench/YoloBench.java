package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.models.detection.YoloDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab bench yolo}: detector inference, images/s, of {@link YoloDetector}'s default network (1×96×96 grey
 * input, widths 16/32/64/128, 3×3 head, 1×1 detection conv, 5 priors × (5 + 10 classes) on a 12×12 grid) against the
 * same layers in PyTorch CPU ({@code bench/yolo_torch.py}: Conv2d(padding 1) with bias, BatchNorm2d in eval mode,
 * LeakyReLU(0.1), MaxPool2d(2), and the Yolo2OutputLayer's activation: sigmoid on x, y and the confidence, prior·exp on
 * w, h, softmax over the classes), in two settings: batch 32 and batch 1 (one image at a time, as a camera feed).
 *
 * <p>sheetlab times {@code ComputationGraph.output(false, x)} (inference mode, activated output); the peer times the
 * forward pass under {@code torch.inference_mode()}. Both run on one fixed random batch (uniform [0, 1) pixels), so
 * neither decoding nor NMS is timed; sheetlab's JSON also gives {@link YoloDetector#detect} (forward + decoding of every
 * candidate) and the same network with batch norm folded into the convolutions ({@link
 * YoloDetector#foldedBatchNorm()}, identical outputs) for reference. The ratio is the worse setting's, for the plain
 * graph.
 */
@Command(
        name = "yolo",
        mixinStandardHelpOptions = true,
        description = "YOLO detector inference images/s (96x96 grey, 12x12 grid, 5 priors, 10 classes) at batch 32 and "
                + "batch 1: sheetlab's YoloDetector vs the same layers in PyTorch.")
final class YoloBench extends Bench {
    /** The default detector's priors (grid cells); their values do not change the cost. */
    static final double[][] PRIORS = {{2, 3}, {3, 4}, {4, 5}, {3, 2}, {5, 3}};

    static final int CLASSES = 10;

    static final int SIZE = 96;

    @Option(names = "--batch-size", description = "Batch size of the batched setting (default: ${DEFAULT-VALUE}).")
    int batchSize = 32;

    @Option(
            names = "--single-batches",
            description = "Timed images of the batch-1 setting (default: ${DEFAULT-VALUE}).")
    int singleBatches = 300;

    @Option(
            names = "--config",
            hidden = true,
            description = "With --measure: the setting's name, b<batch size> (default: ${DEFAULT-VALUE}).")
    String config = "batched";

    YoloBench() {
        super(20, 3);
    }

    /** One setting: its name (the report's key), batch size, timed batches and warm-up batches. */
    private record Setting(String name, int batchSize, int batches, int warmup) {
        Object[] args() {
            return new Object[] {"--batch-size", batchSize, "--batches", batches, "--warmup", warmup};
        }
    }

    private List<Setting> settings() {
        return List.of(
                new Setting("batched", batchSize, batches, warmup),
                new Setting("single", 1, singleBatches, Math.max(warmup, 10)));
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (Setting s : settings()) {
            names.add(s.name());
            List<Object> ours = new ArrayList<>(List.of("--config", s.name()));
            ours.addAll(List.of(s.args()));
            for (int r = 1; r <= rounds; r++) {
                sheetlab(file("sheetlab", s.name(), r), ours.toArray());
                peers(s.name(), r, "yolo_torch.py", s.args());
            }
        }
        return report("--configs", String.join(" ", names));
    }

    @Override
    Map<String, Object> measure() {
        YoloDetector det = YoloDetector.builder()
                .inputShape(1, SIZE, SIZE)
                .classes(CLASSES)
                .anchors(Nd4j.create(PRIORS))
                .seed(seed)
                .build();
        ComputationGraph net = det.graph();
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, batchSize, 1, SIZE, SIZE);
        for (int i = 0; i < warmup; i++) {
            net.output(false, x);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            net.output(false, x);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int detectBatches = Math.max(1, batches / 4);
        long t1 = System.nanoTime();
        for (int i = 0; i < detectBatches; i++) {
            det.detect(x);
        }
        double detectSeconds = (System.nanoTime() - t1) / 1e9;
        // the same network with batch norm folded into the convolutions (YoloDetector.foldedBatchNorm)
        YoloDetector folded = det.foldedBatchNorm();
        for (int i = 0; i < warmup; i++) {
            folded.output(x);
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            folded.output(x);
        }
        double foldedSeconds = (System.nanoTime() - t2) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab YoloDetector (DL4J ComputationGraph.output, FastConvolution2D)");
        r.put("config", config);
        r.put("parameters", net.numParams());
        r.put("batchSize", batchSize);
        r.put("batches", batches);
        r.put("seconds", seconds);
        r.put("samplesPerSecond", batches * batchSize / seconds);
        r.put("detectImagesPerSecond", detectBatches * batchSize / detectSeconds);
        r.put("foldedImagesPerSecond", batches * batchSize / foldedSeconds);
        System.err.printf(
                Locale.ROOT,
                "sheetlab yolo %s: %.1f images/s (batch %d, %d batches, %.2f s); detect() %.1f images/s; BN folded"
                        + " %.1f images/s%n",
                config,
                batches * batchSize / seconds,
                batchSize,
                batches,
                seconds,
                detectBatches * batchSize / detectSeconds,
                batches * batchSize / foldedSeconds);
        return r;
    }
}

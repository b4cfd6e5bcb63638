package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab bench cnn}: training samples/s of the pooling experiment's CNN (max and p = 2 pooling), batch 64,
 * DL4J fit with {@code FastConvolution2D} (and beside it, 30 batches with DL4J's {@code ConvolutionLayer}) against
 * PyTorch. The ratio is the worse pooling kind's.
 */
@Command(
        name = "cnn",
        mixinStandardHelpOptions = true,
        description = "The pooling experiment's CNN training samples/s (max and p=2 pooling): FastConvolution2D and "
                + "DL4J's convolution vs PyTorch.")
final class CnnBench extends TrainingBench {
    @Option(
            names = "--pooling",
            description =
                    "With --measure: the pooling kind of the pooling experiment's CNN (default: ${DEFAULT-VALUE}).")
    String pooling = "max";

    @Option(
            names = "--convolution",
            description = "With --measure: fast (FastConvolution2D, PoolingCnn's default) or dl4j (DL4J's "
                    + "ConvolutionLayer) (default: ${DEFAULT-VALUE}).")
    String convolution = "fast";

    /** 200 timed batches after 500 warm-up ones, on both sides (why so many: {@link TrainingBench}). */
    CnnBench() {
        super(64, 200, 500);
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        for (String pool : new String[] {"max", "p2"}) {
            rounds(pool, "cnn_torch.py", List.of("--pooling", pool), List.of("--pooling", pool));
        }
        return report();
    }

    /** DL4J's ConvolutionLayer in the same network, 30 batches. */
    @Override
    void alsoMeasure(String pool, int r) throws IOException, InterruptedException {
        sheetlab(
                file("dl4jconv", pool, r),
                "--pooling",
                pool,
                "--batch-size",
                batchSize,
                "--convolution",
                "dl4j",
                "--batches",
                30,
                "--warmup",
                5);
    }

    @Override
    Map<String, Object> measure() {
        if (!convolution.equals("fast") && !convolution.equals("dl4j")) {
            throw new IllegalArgumentException("--convolution must be fast or dl4j, got " + convolution);
        }
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(PoolingCnn.builder()
                .setPooling(PoolingKind.parse(pooling))
                .optFastConvolution(convolution.equals("fast"))
                .optSeed(seed)
                .build());
        net.init();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab PoolingCnn (" + convolution + " convolution)");
        r.put("pooling", pooling);
        r.put("convolution", convolution);
        LossTrail losses = new LossTrail();
        java.util.function.Consumer<org.nd4j.linalg.dataset.DataSet> train = trainer(net, losses, r);
        r.putAll(timeTraining("sheetlab cnn " + pooling, train, data.train().shuffledIterator(batchSize, seed)));
        r.put("finalLoss", losses.mean());
        return r;
    }
}

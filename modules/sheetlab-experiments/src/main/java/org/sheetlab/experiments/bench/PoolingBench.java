package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.pooling.LogAveragePooling2D;
import org.sheetlab.layers.pooling.PPooling2D;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Forward + backward time of 2×2, stride-2 pooling on [64, 32, 28, 28] FLOAT non-negative input (as after a ReLU),
 * through the layer API without workspaces: sheetlab's p-pooling (p = 2, 3) and log-average pooling against DL4J's
 * PNORM (p = 2), AVG and MAX SubsamplingLayer, and PyTorch's lp_pool2d and log-average pooling (at threads = cores
 * and at 1 thread, each op against its faster setting). Median milliseconds per call; the ratio is the PyTorch time
 * over sheetlab's for the slowest of the three pairs.
 */
@Command(
        name = "pooling",
        mixinStandardHelpOptions = true,
        description = "Pooling forward + backward ms: sheetlab's p-pooling and log-average pooling vs DL4J's built-ins "
                + "and PyTorch.")
final class PoolingBench extends Bench {
    PoolingBench() {
        super(50, 10);
    }

    @Option(names = "--iterations", description = "The same as --batches: timed calls per layer.")
    void iterations(int n) {
        batches = n;
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        sheetlab("sheetlab.json", "--batches", batches, "--warmup", warmup);
        peer("torch.json", "pooling_torch.py", cores, "--iterations", batches, "--warmup", warmup);
        peer("torch1.json", "pooling_torch.py", 1, "--iterations", batches, "--warmup", warmup);
        return report();
    }

    @Override
    Map<String, Object> measure() {
        int iterations = batches;
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 32, 28, 28);
        INDArray eps = Nd4j.rand(DataType.FLOAT, 64, 32, 14, 14);
        Map<String, org.deeplearning4j.nn.conf.layers.Layer> layers = new LinkedHashMap<>();
        layers.put(
                "sheetlab p-pool p=2",
                new PPooling2D.Builder().p(2).kernelSize(2, 2).stride(2, 2).build());
        layers.put(
                "sheetlab p-pool p=3",
                new PPooling2D.Builder().p(3).kernelSize(2, 2).stride(2, 2).build());
        layers.put(
                "sheetlab log-average",
                new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build());
        layers.put(
                "dl4j PNORM p=2",
                new SubsamplingLayer.Builder(PoolingType.PNORM)
                        .pnorm(2)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build());
        layers.put(
                "dl4j AVG",
                new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build());
        layers.put(
                "dl4j MAX",
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build());
        Map<String, Object> ms = new LinkedHashMap<>();
        for (var e : layers.entrySet()) {
            NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.FLOAT)
                    .layer(e.getValue())
                    .build();
            Layer layer = e.getValue().instantiate(conf, List.of(), 0, null, true, DataType.FLOAT);
            double[] t = new double[iterations];
            for (int i = -warmup; i < iterations; i++) {
                long t0 = System.nanoTime();
                layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
                layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
                layer.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces());
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            java.util.Arrays.sort(t);
            ms.put(e.getKey(), t[iterations / 2]);
            System.err.printf(Locale.ROOT, "%-22s %8.2f ms%n", e.getKey(), t[iterations / 2]);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab (DL4J " + Nd4j.getBackend().getClass().getSimpleName() + ")");
        r.put("shape", "[64, 32, 28, 28] float, 2x2 stride 2, forward + backward");
        r.put("iterations", iterations);
        r.put("medianMs", ms);
        return r;
    }
}

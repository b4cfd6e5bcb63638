package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.models.vae.VaeNetwork;
import picocli.CommandLine.Command;

/**
 * {@code sheetlab bench vae}: training samples/s of the vae experiment's default network ({@link VaeNetwork}:
 * 784-256-[2+2]-256-784, β = 1) on Fashion-MNIST pairs (x, x), Adam 1e-3, DL4J fit, batch 128, against the same VAE in
 * PyTorch.
 */
@Command(
        name = "vae",
        mixinStandardHelpOptions = true,
        description = "The vae experiment's dense VAE (784-256-[2+2]-256-784) training samples/s vs PyTorch.")
final class VaeBench extends TrainingBench {
    VaeBench() {
        super(128, 200, 300); // warm-up: see TrainingBench
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        rounds("", "vae_torch.py", List.of(), List.of());
        return report();
    }

    @Override
    Map<String, Object> measure() {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(
                VaeNetwork.builder().setInputSize(784).optSeed(seed).build());
        net.init();
        INDArray x = data.train().features();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab VaeNetwork 784-256-[2+2]-256-784");
        LossTrail losses = new LossTrail();
        java.util.function.Consumer<org.nd4j.linalg.dataset.DataSet> train = trainer(net, losses, r);
        r.putAll(timeTraining(
                "sheetlab vae",
                train,
                new ShuffledArrayIterator(x, x, batchSize, true, seed, null).reuseBuffers(!step.equals("fit"))));
        r.put("finalLoss", losses.mean());
        return r;
    }
}

package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.models.gan.Gan;
import picocli.CommandLine.Command;

/**
 * {@code sheetlab bench gan}: real samples/s of {@link Gan}'s alternating step (one D and one G update per batch of
 * 128 real images) on Fashion-MNIST with the dense defaults (G 64-256-784, D 784-256-1), 200 batches, against the same
 * GAN in PyTorch. {@link GanConvBench} is the DCGAN-style pair.
 */
@Command(
        name = "gan",
        mixinStandardHelpOptions = true,
        description = "The dense GAN's alternating step (G 64-256-784, D 784-256-1), real samples/s vs PyTorch.")
class GanBench extends TrainingBench {
    GanBench() {
        this(200, 300); // warm-up: see TrainingBench
    }

    GanBench(int batches, int warmup) {
        super(128, batches, warmup);
    }

    /** The DCGAN-style pair instead of the dense one. */
    boolean convolutional() {
        return false;
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        rounds("", "gan_torch.py", List.of(), convolutional() ? List.of("--conv") : List.of());
        return report();
    }

    @Override
    Map<String, Object> measure() {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        boolean conv = convolutional();
        Gan gan = Gan.builder()
                .optSeed(seed)
                .optArchitecture(conv ? Gan.Architecture.CONVOLUTIONAL : Gan.Architecture.DENSE)
                .optChannels(32, 64)
                .build();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab Gan step" + (conv ? ", DCGAN-style 32/64 channels" : ""));
        Map<String, Object> chosen = gan.useSteps(step);
        r.put("networks", chosen);
        r.put("step", chosen.toString().contains("reason") ? "fit" : "fast");
        LossTrail losses = new LossTrail();
        r.putAll(timeTraining(
                "sheetlab gan",
                ds -> {
                    Gan.Step s = gan.step(ds.getFeatures());
                    losses.add(s.discriminatorLoss() + s.generatorLoss());
                },
                data.train().shuffledIterator(batchSize, seed).reuseBuffers(!step.equals("fit"))));
        r.put("finalLoss", losses.mean()); // D's loss + G's loss
        return r;
    }
}

package org.sheetlab.experiments.bench;

import picocli.CommandLine.Command;

/**
 * {@code sheetlab bench gan-conv}: {@link GanBench} with the DCGAN-style pair and the gan experiment's channels
 * (32, 64): G 64 → 3136 → Deconv 32 → Deconv 1, D Conv 32 → AvgPool → Conv 64 → AvgPool → 1; 60 batches.
 */
@Command(
        name = "gan-conv",
        mixinStandardHelpOptions = true,
        description = "The DCGAN-style GAN's alternating step (channels 32, 64), real samples/s vs PyTorch.")
final class GanConvBench extends GanBench {
    GanConvBench() {
        super(60, 30); // warm-up (about 6 s): see TrainingBench
    }

    @Override
    boolean convolutional() {
        return true;
    }
}

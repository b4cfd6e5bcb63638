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
import org.sheetlab.models.vision.Vgg19;
import org.sheetlab.models.vision.style.StyleTransfer;
import org.sheetlab.models.vision.style.StyleTransferStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab bench style}: iterations/s of the neural style transfer's optimisation step (sheet: Neural Style
 * Transfer, Final Q3), one Adam step on the pixels of the generated image G [1, 3, S, S] through the fixed VGG19
 * without its top, against the same computation in PyTorch CPU ({@code bench/style_torch.py}, torchvision's vgg19
 * features layout):
 *
 * <pre>
 *   L(G) = α · mean (a^[c](G) − a^[c](C))² + β · Σ_l (1/5) · mean (Ĝ^[l](G) − Ĝ^[l](S))²,   Ĝ = M Mᵀ / (C·H·W)
 *   G ← clip(G − Adam_0.02(dL/dG), 0, 1)
 * </pre>
 *
 * with the {@code style-transfer} experiment's defaults: content layer {@code block4_conv2}, style layers
 * {@code block1_conv1} … {@code block5_conv1} equally weighted, α = 1, β = 1e5, Adam 0.02, random He weights from the
 * seed. sheetlab's side is the library's path, {@link StyleTransfer} (one forward pass to block5_conv1 and one
 * backward pass seeded at the named layers through {@code InputGradients.ofActivations}) under
 * {@link StyleTransferStep#fit}. Settings:
 *
 * <ul>
 *   <li>{@code small}: the experiment's default, width 0.125 (8/16/32/64/64 channels) at 192×192;</li>
 *   <li>{@code full}: the real VGG19's widths (64/128/256/512/512) at a small size (64×64 by default;
 *       {@code --skip-full} leaves it out).</li>
 * </ul>
 *
 * Content and style images are fixed uniform [0, 1) random images (the timing does not depend on them); G starts from
 * the content image, as the experiment does. The JSON's {@code samplesPerSecond} is iterations/s (one image per
 * iteration), the key {@code bench/report.py} reads. The ratio is the worse setting's.
 */
@Command(
        name = "style",
        mixinStandardHelpOptions = true,
        description = "A neural style transfer iteration (one Adam step on the image's pixels through VGG19 without "
                + "top: content block4_conv2, style block1_conv1..block5_conv1), iterations/s vs the same in "
                + "PyTorch (torchvision's vgg19 features layout); the experiment's default width 0.125 at 192x192, "
                + "and the real widths at a small size.")
final class StyleBench extends Bench {
    /** The style-transfer experiment's default layers. */
    static final String CONTENT_LAYER = "block4_conv2";

    static final List<String> STYLE_LAYERS =
            List.of("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1");

    @Option(names = "--width", description = "Width multiplier of the small setting (default: ${DEFAULT-VALUE}).")
    double width = 0.125;

    @Option(names = "--size", description = "Image side of the small setting, >= 32 (default: ${DEFAULT-VALUE}).")
    int size = 192;

    @Option(names = "--full-size", description = "Image side of the full-width setting (default: ${DEFAULT-VALUE}).")
    int fullSize = 64;

    @Option(
            names = "--full-iterations",
            description = "Timed iterations of the full-width setting (default: ${DEFAULT-VALUE}).")
    int fullIterations = 8;

    @Option(names = "--skip-full", description = "Leave out the full-width setting.")
    boolean skipFull;

    @Option(
            names = "--config",
            hidden = true,
            description = "With --measure: the setting's name, small or full (default: ${DEFAULT-VALUE}).")
    String config = "small";

    StyleBench() {
        super(30, 3);
    }

    /** One setting: the network's width, the image side, timed and warm-up iterations. */
    private record Setting(double width, int side, int iterations, int warmup) {
        /** The arguments of both sides (sheetlab's --measure and bench/style_torch.py). */
        Object[] args() {
            return new Object[] {"--batches", iterations, "--warmup", warmup, "--width", width, "--size", side};
        }
    }

    private Setting setting(String which) {
        return which.equals("full")
                ? new Setting(1, fullSize, fullIterations, 1)
                : new Setting(width, size, batches, warmup);
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        List<String> configs = skipFull ? List.of("small") : List.of("small", "full");
        for (String which : configs) {
            Object[] args = setting(which).args();
            List<Object> ours = new ArrayList<>(List.of("--config", which));
            ours.addAll(List.of(args));
            for (int r = 1; r <= rounds; r++) {
                sheetlab(file("sheetlab", which, r), ours.toArray());
                peers(which, r, "style_torch.py", args);
            }
        }
        return report("--configs", String.join(" ", configs));
    }

    @Override
    Map<String, Object> measure() {
        if (size < Vgg19.MIN_INPUT_SIZE) {
            throw new IllegalArgumentException(
                    "--size must be >= " + Vgg19.MIN_INPUT_SIZE + " (VGG19's five poolings), got " + size);
        }
        ComputationGraph net = Vgg19.builder()
                .optInputSize(size, size, 3)
                .optIncludeTop(false)
                .optWidth(width)
                .optSeed(seed)
                .init();
        Nd4j.getRandom().setSeed(seed);
        INDArray content = Nd4j.rand(DataType.FLOAT, 1, 3, size, size);
        INDArray style = Nd4j.rand(DataType.FLOAT, 1, 3, size, size);
        StyleTransfer objective = StyleTransfer.on(net)
                .content(CONTENT_LAYER)
                .style(STYLE_LAYERS)
                .weights(1, 1e5, 0)
                .targets(content, style);
        StyleTransferStep step = new StyleTransferStep(objective, net, content.dup(), 0.02, 0, 1);
        for (int i = 0; i < warmup; i++) {
            step.fit(null);
        }
        double loss = Double.NaN;
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            loss = step.fit(null);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab StyleTransfer + StyleTransferStep (Vgg19 without top, FastConvolution2D)");
        r.put("config", config);
        r.put("width", width);
        r.put("size", size);
        r.put("parameters", net.numParams());
        r.put("batchSize", 1);
        r.put("batches", batches);
        r.put("seconds", seconds);
        r.put("samplesPerSecond", batches / seconds);
        r.put("finalLoss", loss);
        System.err.printf(
                Locale.ROOT,
                "sheetlab style %s: %.2f iterations/s (width %s, %dx%d, %d iterations, %.2f s)%n",
                config,
                batches / seconds,
                width,
                size,
                size,
                batches,
                seconds);
        return r;
    }
}

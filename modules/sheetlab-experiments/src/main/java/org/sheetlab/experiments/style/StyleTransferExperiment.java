package org.sheetlab.experiments.style;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.photos.Photos;
import org.sheetlab.data.photos.SkimagePhotos;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.vision.Vgg19;
import org.sheetlab.models.vision.Vgg19Weights;
import org.sheetlab.models.vision.style.PixelTransform;
import org.sheetlab.models.vision.style.StyleTransfer;
import org.sheetlab.models.vision.style.StyleTransferStep;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, Neural Style Transfer (Final Q3): L(G) = α L_content(C, G) + β Σ_l w_l L_style^[l](S, G) (+ γ TV(G)),
 * minimised over the pixels of G with Adam (clipped to [0, 1]) through a fixed network, on the training harness: an
 * epoch is {@code --steps-per-epoch} Adam steps, after which the loop writes metrics, curves and a checkpoint
 * ({@code --resume} continues a killed run) and a PNG snapshot of G is written.
 *
 * <p>Images: {@code --content} and {@code --style} (any PNG/JPEG), by default scikit-image's {@code chelsea.png} (a
 * cat) and {@code coffee.png} (a cup on a wooden table) from Debian's python3-skimage
 * ({@code datasets/skimage-photos}), scaled and centre-cropped to {@code --size}².
 *
 * <p>Network: {@link Vgg19} without its top, layers read by their Keras names (content {@code block4_conv2}, style
 * {@code block1_conv1} … {@code block5_conv1} by default, Gatys et al.'s choice). Without {@code --weights} it has
 * <b>random</b> He-initialised weights from the seed at {@code --width} (0.125: 8/16/32/64/64 channels): no ImageNet
 * weights are available here. Random convolutional features still carry colour and texture statistics, so the style
 * loss transfers colours and fine textures, but this is not the ImageNet VGG19 result, and the run folder says so
 * ({@code run.json}: {@code imagenetWeights false} and the network note; the variant name {@code random-weights};
 * {@code NETWORK.txt}). {@code --weights FILE} loads ImageNet VGG19 weights (Keras .h5 or DL4J zoo zip, see
 * {@link Vgg19Weights}) into the full-width network and feeds it Keras' caffe preprocessing
 * ({@link PixelTransform#imagenetCaffe()}).
 *
 * <p>Writes {@code snapshot-step-NNNNNN.png} per epoch, {@code final.png}, {@code panel.png} (content | style | result),
 * {@code losses.png} (content, style and total loss per step, log scale) and {@code style-transfer.json} (the per-step
 * losses).
 */
@Command(
        name = "style-transfer",
        mixinStandardHelpOptions = true,
        description =
                "Neural style transfer: optimise an image's pixels (Adam) for content + Gram-matrix style losses "
                        + "through a fixed network (default: VGG19 at width 0.125 with random weights; --weights for ImageNet VGG19).")
public final class StyleTransferExperiment
        extends Experiment<StyleTransferExperiment.Options, StyleTransferExperiment.Images, String> {
    static final String RANDOM = "random-weights";
    static final String IMAGENET = "imagenet-weights";

    /** Options: images, size, network, layers, loss weights, Adam's step and the steps per epoch. */
    public static final class Options extends TrainedOptions {
        @Option(names = "--content", description = "Content image file (default: scikit-image's chelsea.png).")
        public Path content;

        @Option(names = "--style", description = "Style image file (default: scikit-image's coffee.png).")
        public Path style;

        @Option(names = "--size", description = "Side of the square images, pixels (default: ${DEFAULT-VALUE}).")
        public int size = 192;

        @Option(
                names = "--weights",
                description = "ImageNet VGG19 weights: Keras' vgg19_weights_tf_dim_ordering_tf_kernels[_notop].h5 or "
                        + "DL4J's vgg19_dl4j_inference.zip (full width; images get Keras' caffe preprocessing). "
                        + "Without it: random weights at --width.")
        public Path weights;

        @Option(
                names = "--width",
                description = "VGG19 width multiplier (default: 0.125, 8/16/32/64/64 channels, with random weights; "
                        + "1, the real VGG19, with --weights).")
        public Double width;

        @Option(names = "--content-layer", description = "Content layer (default: ${DEFAULT-VALUE}).")
        public String contentLayer = "block4_conv2";

        @Option(names = "--style-layers", split = ",", description = "Style layers (default: ${DEFAULT-VALUE}).")
        public List<String> styleLayers =
                List.of("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1");

        @Option(
                names = "--style-weights",
                split = ",",
                description = "Weight w_l per style layer (default: equal, 1/number of layers).")
        public double[] styleWeights;

        @Option(names = "--alpha", description = "Content weight α (default: ${DEFAULT-VALUE}).")
        public double alpha = 1;

        @Option(names = "--beta", description = "Style weight β (default: ${DEFAULT-VALUE}).")
        public double beta = 1e5;

        @Option(names = "--tv", description = "Total-variation weight γ (default: ${DEFAULT-VALUE}).")
        public double tv = 0;

        @Option(
                names = "--steps-per-epoch",
                description = "Adam steps per epoch; a snapshot and a checkpoint follow each epoch (default: "
                        + "${DEFAULT-VALUE}).")
        public int stepsPerEpoch = 50;

        @Option(names = "--init", description = "Starting image: content or noise (default: ${DEFAULT-VALUE}).")
        public String init = "content";

        public Options() {
            super(8, 1, 0.02); // epochs, batch size (always 1), Adam's step in pixel units
            loop.checkpointEvery = 0;
        }
    }

    /** The content and style images [1, 3, size, size] in [0, 1], and where they came from. */
    public record Images(INDArray content, INDArray style, String contentSource, String styleSource) {}

    public StyleTransferExperiment() {
        super(
                new Options(),
                Headline.of("total", "total loss", "%.4g"),
                Headline.of("content", "content loss", "%.4g"),
                Headline.of("style", "style loss", "%.4g"),
                Headline.of("styleReduction", "style loss / initial", "%.3f"));
    }

    @Override
    protected void validate(Options o) {
        check(o.size >= 8, "--size must be >= 8 pixels, got " + o.size);
        check(o.stepsPerEpoch >= 1, "--steps-per-epoch must be >= 1, got " + o.stepsPerEpoch);
        check(o.alpha >= 0 && o.beta >= 0 && o.tv >= 0, "--alpha, --beta and --tv must be >= 0");
        check(!o.styleLayers.isEmpty(), "--style-layers needs at least one layer name");
        check(
                o.styleWeights == null || o.styleWeights.length == o.styleLayers.size(),
                "--style-weights needs one weight per --style-layers entry (" + o.styleLayers.size() + "), got "
                        + (o.styleWeights == null ? 0 : o.styleWeights.length));
        check(o.width == null || (o.width > 0 && o.width <= 1), "--width must be in (0, 1], got " + o.width);
        check(
                o.size >= Vgg19.MIN_INPUT_SIZE,
                "--size must be >= " + Vgg19.MIN_INPUT_SIZE + " (VGG19's five poolings), got " + o.size);
        check(o.init.equals("content") || o.init.equals("noise"), "--init must be content or noise, got " + o.init);
        check(
                o.weights == null || o.weights.toFile().isFile(),
                "--weights: no file " + o.weights + " (see the README: which VGG19 file to put where)");
    }

    @Override
    protected Images data(Options o, long seed, RunDirectory run) {
        Path content = o.content != null ? o.content : SkimagePhotos.path(o.dataDir.value, "chelsea.png");
        Path style = o.style != null ? o.style : SkimagePhotos.path(o.dataDir.value, "coffee.png");
        return new Images(
                Photos.read(content, o.size, o.size, DataType.FLOAT),
                Photos.read(style, o.size, o.size, DataType.FLOAT),
                content.toString(),
                style.toString());
    }

    /**
     * One image: batch size 1 whatever {@code --batch-size} says (the option every experiment takes has nothing to
     * batch here; run.json records 1), an epoch of {@code --steps-per-epoch} steps.
     */
    @Override
    protected TrainingConfig config(Options o, Images data) {
        return o.configBuilder().batchSize(1).build();
    }

    @Override
    protected List<String> variants(Options o) {
        return List.of(o.weights == null ? RANDOM : IMAGENET);
    }

    @Override
    protected Map<String, Object> describe(Images d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", "content " + d.contentSource() + ", style " + d.styleSource());
        return m;
    }

    private static String networkNote(Options o, long seed) {
        return o.weights == null
                ? "RANDOM WEIGHTS: VGG19 layout at width " + width(o) + " (no top), He initialisation from seed " + seed
                        + "; no ImageNet weights were used. Random convolutional features carry colour and texture "
                        + "statistics, so this shows the method, not the ImageNet VGG19 result."
                : "ImageNet VGG19 weights from " + o.weights.toAbsolutePath() + " (width " + width(o)
                        + ", Keras caffe preprocessing)";
    }

    /** {@code --width}, else 0.125 with random weights and 1 (the real VGG19) with {@code --weights}. */
    static double width(Options o) {
        return o.width != null ? o.width : o.weights == null ? 0.125 : 1.0;
    }

    @Override
    protected Trial trial(Context<Options, Images> c, String variant, RunDirectory folder) {
        Options o = c.options();
        ComputationGraph net = network(o, c.seed());
        Map<String, Double> style = new LinkedHashMap<>();
        for (int i = 0; i < o.styleLayers.size(); i++) {
            style.put(o.styleLayers.get(i), o.styleWeights == null ? 1.0 / o.styleLayers.size() : o.styleWeights[i]);
        }
        StyleTransfer objective = StyleTransfer.on(net)
                .content(o.contentLayer)
                .style(style)
                .weights(o.alpha, o.beta, o.tv)
                .pixels(o.weights == null ? PixelTransform.identity() : PixelTransform.imagenetCaffe())
                .targets(c.data().content(), c.data().style());
        INDArray start = c.data().content().dup();
        if (o.init.equals("noise")) {
            Nd4j.getRandom().setSeed(c.seed());
            start = Nd4j.rand(DataType.FLOAT, start.shape());
        }
        folder.writeText("NETWORK.txt", networkNote(o, c.seed()) + "\n");
        StyleTransferStep step = new StyleTransferStep(objective, net, start, o.learningRate.get(), 0, 1);
        return Trial.of(step, null, StyleTransferStep.steps(o.stepsPerEpoch), List.of())
                .with(new TrainingListener() {
                    @Override
                    public void onEpochEnd(TrainingStep s, List<EpochMetrics> history) {
                        StyleTransferStep st = (StyleTransferStep) s;
                        write(folder, String.format(Locale.ROOT, "snapshot-step-%06d.png", st.iteration()), st.image());
                    }
                });
    }

    /**
     * VGG19 without the top at the images' size: random weights at {@code --width}, or full width with the ImageNet
     * weights of {@code --weights} (a Keras .h5 file, else a DL4J zoo zip, copied by layer name).
     */
    static ComputationGraph network(Options o, long seed) {
        Vgg19.Builder b = Vgg19.builder()
                .optInputSize(o.size, o.size, 3)
                .optIncludeTop(false)
                .optWidth(width(o))
                .optSeed(seed);
        if (o.weights == null) {
            return b.init();
        }
        if (o.weights.toString().endsWith(".zip")) {
            ComputationGraph graph = b.init();
            Vgg19Weights.copyByName(Vgg19Weights.restoreZoo(o.weights), graph);
            return graph;
        }
        return Vgg19Weights.initKeras(b, o.weights);
    }

    /** The final image, the panel, the loss plot and the per-step losses; the initial-to-final style ratio. */
    @Override
    protected Map<String, Double> measure(
            Context<Options, Images> c, String variant, TrainingResult trained, RunDirectory folder) {
        StyleTransferStep step = (StyleTransferStep) trained.step();
        StyleTransfer.Evaluation end = step.objective().evaluate(step.image());
        write(folder, "final.png", step.image());
        Charts.writePng(folder, "panel.png", panel(c.data().content(), c.data().style(), step.image()));
        List<double[]> history = step.history();
        Charts.writePng(folder, "losses.png", lossPlot(history, c.options()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("network", networkNote(c.options(), c.seed()));
        json.put("steps", step.iteration());
        json.put("columns", List.of("content", "style", "totalVariation", "total"));
        json.put("history", history);
        json.put("final", Map.of("content", end.content(), "style", end.style(), "total", end.total()));
        folder.writeJson("style-transfer.json", json);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("total", end.total());
        m.put("content", end.content());
        m.put("style", end.style());
        m.put("styleReduction", history.isEmpty() ? 1.0 : end.style() / history.get(0)[1]);
        return m;
    }

    @Override
    protected Map<String, Object> finish(
            Context<Options, Images> c, List<Row> rows, Map<String, TrainingResult> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", networkNote(c.options(), c.seed()));
        m.put("imagenetWeights", c.options().weights != null);
        c.run().writeText("NETWORK.txt", networkNote(c.options(), c.seed()) + "\n");
        return m;
    }

    private static void write(RunDirectory folder, String name, INDArray image) {
        Charts.writePng(folder, name, Photos.toImage(image));
    }

    /** Content | style | result, side by side with labels. */
    static BufferedImage panel(INDArray content, INDArray style, INDArray result) {
        List<BufferedImage> images = List.of(Photos.toImage(content), Photos.toImage(style), Photos.toImage(result));
        String[] labels = {"content", "style", "result"};
        int h = images.get(0).getHeight();
        int w = images.get(0).getWidth();
        BufferedImage out = new BufferedImage(3 * w + 20, h + 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.BLACK);
        for (int i = 0; i < 3; i++) {
            g.drawImage(images.get(i), i * (w + 10), 20, null);
            g.drawString(labels[i], i * (w + 10) + 2, 14);
        }
        g.dispose();
        return out;
    }

    /**
     * α·content, β·style and the total per step, log scale, from step 1 (step 0 is the starting image, whose content
     * loss is 0 when it starts from the content image).
     */
    static BufferedImage lossPlot(List<double[]> history, Options o) {
        XYChart chart = Charts.chart(
                XYChart::new,
                640,
                420,
                "style transfer losses (" + (o.weights == null ? "random weights" : "ImageNet VGG19") + ")",
                "Adam step",
                "loss");
        chart.getStyler().setYAxisLogarithmic(true);
        int from = history.size() > 1 ? 1 : 0;
        int n = Math.max(1, history.size() - from);
        double[] x = new double[n];
        double[][] y = new double[3][n];
        for (int i = 0; i < n; i++) {
            double[] h = history.isEmpty() ? new double[] {1, 1, 1, 1} : history.get(i + from);
            x[i] = i + from;
            y[0][i] = Math.max(1e-12, o.alpha * h[0]);
            y[1][i] = Math.max(1e-12, o.beta * h[1]);
            y[2][i] = Math.max(1e-12, h[3]);
        }
        String[] names = {"α·content", "β·style", "total"};
        for (int k = 0; k < 3; k++) {
            chart.addSeries(names[k], x, y[k]).setMarker(SeriesMarkers.NONE);
        }
        return org.knowm.xchart.BitmapEncoder.getBufferedImage(chart);
    }
}

package org.sheetlab.experiments.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.image.Augmentation;
import org.sheetlab.data.image.ImageFolder;
import org.sheetlab.data.image.ImageFolderOptions;
import org.sheetlab.data.image.ImageFolderSource;
import org.sheetlab.data.image.ImageFolderWriter;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.models.vision.Vgg19;
import org.sheetlab.models.vision.Vgg19Transfer;
import org.sheetlab.models.vision.Vgg19Weights;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, Transfer Learning (Final Q2d), "VGG19 strategy: branch at block5_pool, freeze block1–block3, train block4,
 * block5 and a new head Flatten → Dense(256, relu) → Dense(5, softmax); more data → unfreeze more layers".
 *
 * <p>With no ImageNet weights here, the backbone is pretrained on a source task: a {@link Vgg19} of reduced width
 * ({@code --width}, 0.125 = 8/16/32/64/64 channels) on Fashion-MNIST classes 0–4 (T-shirt, trouser, pullover, dress,
 * coat), resized to S × S × 1 (S = {@code --image-size}, ≥ 32 for VGG19's five poolings). The target task is classes
 * 5–9 (sandal, shirt, sneaker, bag, ankle boot), written as a DataVec image folder of PNGs (one subfolder per class)
 * and read back through {@link ImageFolder}, the same code path that reads the user's own 5-class photos with
 * {@code --images DIR} (20 % of each class held out for testing).
 *
 * <p>Variants: {@code pretrain} (the source task; its row's accuracy is on the source test set), then for each
 * target-set size n (images per class, {@code --sizes}) and strategy ({@code --strategies}): {@code scratch} (the same
 * network and head, randomly initialised, everything trained), {@code freeze3} (the sheet: pretrained, block1–block3
 * frozen), {@code freeze2}, {@code freeze0} (unfreeze more: everything fine-tuned), each named strategy-n. Every
 * transfer variant is built by {@link Vgg19Transfer} (branch at block5_pool, new head), trained with the same updater
 * on the same augmented images, an epoch being at least {@code --min-images-per-epoch} images (small sets are passed
 * over several times), and tested on the same target test set.
 *
 * <p>{@code --weights FILE} replaces the pretraining by ImageNet weights ({@link Vgg19Weights}: Keras HDF5 or the DL4J
 * zoo zip; use {@code --width 1}): the images are then read with 3 channels and Keras' VGG preprocessing, and there
 * is no {@code pretrain} variant.
 *
 * <p>Outputs besides the harness's (summary, metrics.json, per-variant curves and models): {@code
 * accuracy-vs-size.png} (test accuracy against images per class, one line per strategy), {@code confusion.png} and
 * {@code confusion.json} (the best transfer variant on the target test set), and the image folders under {@code
 * images/}.
 */
@Command(
        name = "transfer",
        mixinStandardHelpOptions = true,
        description = "VGG19 transfer (sheet, Final Q2d): pretrain on Fashion-MNIST 0-4, transfer to 5-9 (or --images"
                + " DIR) from scratch / freeze block1-3 / unfreeze more, across target-set sizes.")
public final class TransferExperiment
        extends Experiment<TransferExperiment.Options, TransferExperiment.Data, TransferExperiment.Variant> {
    static final String PRETRAIN = "pretrain";
    static final List<String> STRATEGIES = List.of("scratch", "freeze3", "freeze2", "freeze1", "freeze0");
    private static final int SOURCE_CLASSES = 5;

    /** Options: sizes, strategies, network width, image size, learning rates, the image folder and its handling. */
    public static final class Options extends ExperimentOptions {
        @Option(
                names = "--sizes",
                split = ",",
                description = "Target images per class to train on (default: 20,200,2000).")
        public List<Integer> sizes = List.of(20, 200, 2000);

        @Option(
                names = "--strategies",
                split = ",",
                description = "scratch (random init), freeze3 (the sheet: block1-3 frozen), freeze2, freeze1, freeze0 "
                        + "(fine-tune everything) (default: scratch,freeze3,freeze2,freeze0).")
        public List<String> strategies = List.of("scratch", "freeze3", "freeze2", "freeze0");

        @Option(
                names = "--width",
                description = "VGG19 width multiplier; 1 = the real VGG19 (default: ${DEFAULT-VALUE}).")
        public double width = 0.125;

        @Option(
                names = "--image-size",
                description = "Images are resized to S x S (>= 32, VGG19's five poolings) (default: ${DEFAULT-VALUE}).")
        public int imageSize = 32;

        @Option(
                names = "--source-per-class",
                description = "Fashion-MNIST training images per source class (0-4) for pretraining (default: "
                        + "${DEFAULT-VALUE}, all).")
        public int sourcePerClass = 6000;

        @Option(
                names = "--test-per-class",
                description = "Fashion-MNIST test images per class (default: ${DEFAULT-VALUE}, all).")
        public int testPerClass = 1000;

        @Option(
                names = "--min-images-per-epoch",
                description = "A transfer epoch serves at least this many images (small sets are passed over several "
                        + "times) (default: ${DEFAULT-VALUE}).")
        public int minImagesPerEpoch = 2000;

        @Option(names = "--pretrain-lr", description = "Adam learning rate of pretraining (default: ${DEFAULT-VALUE}).")
        public double pretrainLr = 1e-3;

        @Option(
                names = "--transfer-lr",
                description = "Adam learning rate of every transfer strategy (default: ${DEFAULT-VALUE}).")
        public double transferLr = 3e-4;

        @Option(
                names = "--images",
                paramLabel = "DIR",
                description = "Your own photos as the target: DIR/<class>/<image> (png, jpg, ...), one subfolder per "
                        + "class; 20% of each class is held out for testing.")
        public Path images;

        @Option(
                names = "--fit",
                description = "How an image of another aspect ratio becomes S x S: crop (centre crop, then resize) or "
                        + "resize (stretch) (default: ${DEFAULT-VALUE}).")
        public String fit = "crop";

        @Option(
                names = "--fit-class",
                paramLabel = "CLASS=crop|resize",
                description = "Per-class override of --fit, e.g. --fit-class panorama=resize (repeatable).")
        public Map<String, String> fitPerClass = new LinkedHashMap<>();

        @Option(
                names = "--on-corrupt",
                description = "An image file that cannot be decoded: skip (reported by path, counted in run.json) or "
                        + "fail (default: ${DEFAULT-VALUE}).")
        public String onCorrupt = "skip";

        @Option(
                names = "--weights",
                paramLabel = "FILE",
                description = "Start from ImageNet VGG19 weights instead of pretraining on Fashion-MNIST 0-4: Keras' "
                        + "vgg19_weights_tf_dim_ordering_tf_kernels(_notop).h5 or DL4J's vgg19_dl4j_inference.zip "
                        + "(with --width 1; --image-size 224 for ImageNet's scale). Images are read as 3 channels (BGR) "
                        + "with Keras' VGG preprocessing (x*255 - ImageNet mean).")
        public Path weights;

        @Option(
                names = "--no-augment",
                description = "Train the transfer variants without augmentation (default: flip, +-10 deg rotation, "
                        + "+-10% zoom, brightness and contrast).")
        public boolean noAugment;

        public Options() {
            super(6, 32); // 13.7 min for the default run on this 2-core machine (pretrain 33 s per epoch)
        }

        /** How images are read: S x S x 1, the fit and the corrupt-file policy of the options. */
        ImageFolderOptions imageOptions() {
            Map<String, ImageFolderOptions.Fit> perClass = new LinkedHashMap<>();
            fitPerClass.forEach((k, v) -> perClass.put(k, parseFit(v, "--fit-class " + k)));
            ImageFolderOptions.OnCorrupt policy = switch (onCorrupt.toLowerCase(Locale.ROOT)) {
                case "skip" -> ImageFolderOptions.OnCorrupt.SKIP;
                case "fail" -> ImageFolderOptions.OnCorrupt.FAIL;
                default ->
                    throw new IllegalArgumentException("--on-corrupt must be skip or fail, got '" + onCorrupt + "'");
            };
            return new ImageFolderOptions(imageSize, imageSize, channels(), parseFit(fit, "--fit"), perClass, policy);
        }

        /** 3 (BGR) for ImageNet weights, 1 (grey, Fashion-MNIST's) for the backbone pretrained here. */
        int channels() {
            return weights == null ? 1 : 3;
        }

        private static ImageFolderOptions.Fit parseFit(String value, String option) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "crop" -> ImageFolderOptions.Fit.CROP;
                case "resize" -> ImageFolderOptions.Fit.RESIZE;
                default -> throw new IllegalArgumentException(option + " must be crop or resize, got '" + value + "'");
            };
        }
    }

    /** A variant: the pretraining, or a strategy trained on {@code perClass} target images per class. */
    public record Variant(String strategy, int perClass) {
        @Override
        public String toString() {
            return strategy.equals(PRETRAIN) ? PRETRAIN : strategy + "-" + perClass;
        }

        /** Blocks frozen (1..k), or -1 for the randomly initialised network. */
        int freezeThrough() {
            return strategy.equals("scratch") ? -1 : Integer.parseInt(strategy.substring("freeze".length()));
        }
    }

    /** The image folders the variants read. */
    public record Data(
            ImageFolder sourceTrain,
            ImageFolder sourceTest,
            ImageFolder targetTrain,
            ImageFolder targetTest,
            List<Integer> sizes,
            String target) {}

    public TransferExperiment() {
        super(new Options(), Headline.TEST_ACCURACY, Headline.TEST_LOSS);
    }

    @Override
    protected void validate(Options o) {
        check(o.width > 0 && o.width <= 1, "--width must be in (0, 1], got " + o.width);
        check(
                o.imageSize >= Vgg19.MIN_INPUT_SIZE,
                "--image-size must be >= " + Vgg19.MIN_INPUT_SIZE + " (VGG19 halves it five times), got "
                        + o.imageSize);
        check(
                !o.sizes.isEmpty() && o.sizes.stream().allMatch(n -> n >= 1),
                "--sizes must be >= 1 each, got " + o.sizes);
        check(!o.strategies.isEmpty(), "--strategies needs at least one of " + STRATEGIES);
        for (String s : o.strategies) {
            check(STRATEGIES.contains(s), "unknown strategy '" + s + "'; choose from " + STRATEGIES);
        }
        check(
                o.sourcePerClass >= 1 && o.sourcePerClass <= 6000,
                "--source-per-class must be in 1..6000, got " + o.sourcePerClass);
        check(
                o.testPerClass >= 1 && o.testPerClass <= 1000,
                "--test-per-class must be in 1..1000, got " + o.testPerClass);
        check(o.minImagesPerEpoch >= 1, "--min-images-per-epoch must be >= 1, got " + o.minImagesPerEpoch);
        check(o.pretrainLr > 0 && o.transferLr > 0, "--pretrain-lr and --transfer-lr must be positive");
        o.imageOptions();
        if (o.weights != null) {
            check(
                    Files.isRegularFile(o.weights),
                    "--weights " + o.weights + " is not a file; give Keras' "
                            + Vgg19Weights.KERAS_NOTOP_FILE + " (or " + Vgg19Weights.KERAS_FILE + ") or DL4J's "
                            + Vgg19Weights.ZOO_FILE);
        }
        if (o.images != null) {
            check(
                    Files.isDirectory(o.images),
                    "--images " + o.images + " is not a folder; give a folder with one " + "subfolder per class, e.g. "
                            + o.images.resolve("eczema").resolve("001.jpg"));
        }
    }

    @Override
    protected List<Variant> variants(Options o) {
        List<Variant> v = new ArrayList<>();
        if (o.weights == null) {
            v.add(new Variant(PRETRAIN, 0));
        }
        for (int n : o.sizes.stream().distinct().sorted().toList()) {
            for (String s : o.strategies) {
                v.add(new Variant(s, n));
            }
        }
        return v;
    }

    @Override
    protected Data data(Options o, long seed, RunDirectory run) {
        FashionMnist fm = Datasets.fashionMnist(o.dataDir);
        ImageFolderOptions read = o.imageOptions();
        Path dir = run.resolve("images");
        int maxSize = o.sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        // with --weights the backbone comes with its weights: no source task
        ImageFolder sourceTrain = o.weights != null
                ? null
                : ImageFolder.scan(
                        folder(dir.resolve("source-train"), fm.train(), 0, Math.min(o.sourcePerClass, 6000)), read);
        ImageFolder sourceTest = o.weights != null
                ? null
                : ImageFolder.scan(folder(dir.resolve("source-test"), fm.test(), 0, o.testPerClass), read);
        if (o.images == null) {
            ImageFolder targetTrain = ImageFolder.scan(
                    folder(dir.resolve("target-train"), fm.train(), SOURCE_CLASSES, Math.min(maxSize, 6000)), read);
            ImageFolder targetTest = ImageFolder.scan(
                    folder(dir.resolve("target-test"), fm.test(), SOURCE_CLASSES, o.testPerClass), read);
            return new Data(sourceTrain, sourceTest, targetTrain, targetTest, o.sizes, "Fashion-MNIST classes 5-9");
        }
        ImageFolder photos = ImageFolder.scan(o.images, read);
        ImageFolder[] parts = photos.split(0.2, seed);
        int smallest = java.util.Arrays.stream(parts[0].countsPerClass()).min().orElseThrow();
        List<Integer> sizes =
                o.sizes.stream().map(n -> Math.min(n, smallest)).distinct().toList();
        return new Data(sourceTrain, sourceTest, parts[0], parts[1], sizes, o.images.toString());
    }

    /**
     * The folder of Fashion-MNIST classes first..first+4, at most {@code perClass} images each (the first in stored
     * order), written as PNGs unless a previous (or resumed) run already wrote it.
     */
    private static Path folder(Path dir, LabeledArrays part, int first, int perClass) {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        int[] taken = new int[SOURCE_CLASSES];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < part.size(); i++) {
            int c = part.labelIds()[i] - first;
            if (c >= 0 && c < SOURCE_CLASSES && taken[c] < perClass) {
                taken[c]++;
                rows.add(i);
            }
        }
        int[] index = rows.stream().mapToInt(Integer::intValue).toArray();
        int[] labels = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            labels[i] = part.labelIds()[index[i]] - first;
        }
        INDArray images = part.features().getRows(index);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < SOURCE_CLASSES; c++) {
            names.add(folderName(first + c, part.classNames().get(first + c)));
        }
        return ImageFolderWriter.write(dir, images, labels, names, FashionMnist.HEIGHT, FashionMnist.WIDTH);
    }

    /** "5-sandal", "0-t-shirt-top": the id first, so the folders sort in label order. */
    static String folderName(int id, String name) {
        return id + "-"
                + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    @Override
    protected Map<String, Object> describe(Data d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "dataset",
                (d.sourceTrain() == null
                                ? "backbone: the --weights file"
                                : "source: Fashion-MNIST classes 0-4 "
                                        + d.sourceTrain().size() + "/"
                                        + d.sourceTest().size())
                        + "; target: " + d.target() + " "
                        + d.targetTrain().size() + "/" + d.targetTest().size());
        m.put("targetClasses", d.targetTrain().classes());
        m.put("sizes", d.sizes());
        List<String> skipped = new ArrayList<>();
        for (ImageFolder f : java.util.Arrays.asList(d.sourceTrain(), d.sourceTest(), d.targetTrain())) {
            if (f == null) {
                continue;
            }
            f.skipped().forEach(p -> skipped.add(p.toString()));
        }
        m.put("skippedImages", skipped.size());
        m.put("skippedImageFiles", skipped.stream().distinct().limit(50).toList());
        return m;
    }

    private Vgg19.Builder backbone(Context<Options, Data> c) {
        Options o = c.options();
        return Vgg19.builder()
                .optInputSize(o.imageSize, o.imageSize, o.channels())
                .optWidth(o.width)
                .optClasses(SOURCE_CLASSES)
                .optSeed(c.seed())
                .optUpdater(new Adam(o.pretrainLr));
    }

    @Override
    protected Trial trial(Context<Options, Data> c, Variant v, RunDirectory folder) {
        Data d = c.data();
        if (v.strategy().equals(PRETRAIN)) {
            Vgg19.Builder b = backbone(c);
            ComputationGraph net = b.init();
            return Trial.of(
                    NetworkStep.of(net),
                    NetworkCounter.count(net.getConfiguration(), b.inputType()),
                    ImageFolderSource.training(d.sourceTrain(), c.batchSize(), c.seed(), Augmentation.NONE),
                    ExperimentRun.classification("test", ImageFolderSource.evaluation(d.sourceTest(), c.batchSize())));
        }
        Vgg19.Builder b = backbone(c);
        if (c.options().weights != null) {
            b.optIncludeTop(false);
        }
        ComputationGraph base = v.freezeThrough() < 0 ? b.init() : pretrained(c, b);
        ComputationGraph net = Vgg19Transfer.builder()
                .optInputType(b.inputType())
                .optFreezeThrough(Math.max(0, v.freezeThrough()))
                .optClasses(d.targetTrain().classes().size())
                .optUpdater(new Adam(c.options().transferLr))
                .optSeed(c.seed())
                .transfer(base);
        ImageFolder train = d.targetTrain().limitPerClass(v.perClass(), c.seed());
        Augmentation aug = c.options().noAugment ? Augmentation.NONE : Augmentation.DEFAULT;
        return Trial.of(
                NetworkStep.of(net),
                null,
                input(
                        c,
                        ImageFolderSource.training(train, c.batchSize(), c.seed(), aug, c.options().minImagesPerEpoch)),
                ExperimentRun.classification(
                        "test", input(c, ImageFolderSource.evaluation(d.targetTest(), c.batchSize()))));
    }

    /**
     * What the network reads: the folder's [0, 1] pixels, or with ImageNet weights Keras' VGG preprocessing ("caffe":
     * BGR, x·255 − mean, mean = 103.939, 116.779, 123.68 per channel).
     */
    private static DataSource input(Context<Options, Data> c, ImageFolderSource source) {
        return c.options().weights == null ? source : new CaffeInput(source);
    }

    /** The backbone to transfer: the pretrain variant's model, or {@link Vgg19} of {@code b} with the user's weights. */
    private static ComputationGraph pretrained(Context<Options, Data> c, Vgg19.Builder b) {
        Path weights = c.options().weights;
        if (weights != null) {
            if (weights.getFileName().toString().endsWith(".zip")) {
                ComputationGraph graph = b.init();
                Vgg19Weights.copyByName(Vgg19Weights.restoreZoo(weights), graph);
                return graph;
            }
            return Vgg19Weights.initKeras(b, weights);
        }
        Path file = c.run().resolve(PRETRAIN).resolve("model.zip");
        try {
            return ModelSerializer.restoreComputationGraph(file.toFile(), false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the pretrained backbone " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected Map<String, Double> measure(
            Context<Options, Data> c, Variant v, TrainingResult trained, RunDirectory folder) {
        if (v.strategy().equals(PRETRAIN)) {
            return Map.of();
        }
        ComputationGraph net = (ComputationGraph) trained.model();
        return Map.of(
                "imagesPerClass", (double) v.perClass(),
                "trainableParameters", (double) Vgg19Transfer.trainableParameters(net));
    }

    @Override
    protected Map<String, Object> finish(
            Context<Options, Data> c, List<Row> rows, Map<String, TrainingResult> results) {
        Map<String, Map<Integer, Double>> byStrategy = new LinkedHashMap<>();
        Row best = null;
        for (Row r : rows) {
            if (r.variant().equals(PRETRAIN) || r.note() != null) {
                continue;
            }
            int dash = r.variant().lastIndexOf('-');
            String strategy = r.variant().substring(0, dash);
            int n = Integer.parseInt(r.variant().substring(dash + 1));
            byStrategy.computeIfAbsent(strategy, k -> new LinkedHashMap<>()).put(n, r.value("testAccuracy"));
            if (best == null || r.value("testAccuracy") > best.value("testAccuracy")) {
                best = r;
            }
        }
        XYChart chart = Charts.chart(
                XYChart::new,
                800,
                500,
                "Transfer: test accuracy vs target images per class ("
                        + c.data().target() + ")",
                "images per class (log scale)",
                "test accuracy");
        chart.getStyler().setXAxisLogarithmic(true);
        byStrategy.forEach((s, points) -> {
            double[] x =
                    points.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] y =
                    points.values().stream().mapToDouble(Double::doubleValue).toArray();
            chart.addSeries(s, x, y).setMarker(SeriesMarkers.CIRCLE);
        });
        Charts.writePng(c.run(), "accuracy-vs-size.png", chart);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accuracyBySize", byStrategy);
        if (best != null) {
            long[][] confusion = confusion(
                    (ComputationGraph) results.get(best.variant()).model(),
                    c.data().targetTest(),
                    c);
            List<String> classes = c.data().targetTest().classes();
            c.run()
                    .writeJson(
                            "confusion.json",
                            Map.of("variant", best.variant(), "classes", classes, "counts", confusion));
            Charts.writePng(c.run(), "confusion.png", confusionChart(best.variant(), classes, confusion));
            out.put("best", best.variant());
        }
        return out;
    }

    /** counts[true class][predicted class] on the target test set (a smoke run: its first batches only). */
    private static long[][] confusion(ComputationGraph net, ImageFolder test, Context<Options, Data> c) {
        int k = test.classes().size();
        long[][] counts = new long[k][k];
        DataSource source = input(c, ImageFolderSource.evaluation(test, c.batchSize()));
        int limit = c.examples(test.size());
        int seen = 0;
        while (source.hasNext() && seen < limit) {
            MultiDataSet batch = source.next();
            INDArray predicted = net.outputSingle(false, batch.getFeatures(0)).argMax(1);
            INDArray actual = batch.getLabels(0).argMax(1);
            for (int i = 0; i < actual.length(); i++) {
                counts[actual.getInt(i)][predicted.getInt(i)]++;
            }
            seen += (int) actual.length();
        }
        return counts;
    }

    /** Keras' VGG preprocessing on a folder source's [0, 1] BGR batches: x·255 − (103.939, 116.779, 123.68). */
    private static final class CaffeInput implements DataSource {
        private static final double[] MEAN_BGR = {103.939, 116.779, 123.68};
        private final ImageFolderSource source;

        CaffeInput(ImageFolderSource source) {
            this.source = source;
        }

        @Override
        public int batchesPerEpoch() {
            return source.batchesPerEpoch();
        }

        @Override
        public void seek(int epoch, int batch) {
            source.seek(epoch, batch);
        }

        @Override
        public boolean hasNext() {
            return source.hasNext();
        }

        @Override
        public MultiDataSet next() {
            return preprocess(source.next());
        }

        static MultiDataSet preprocess(MultiDataSet batch) {
            INDArray x = batch.getFeatures(0).muli(255);
            for (int ch = 0; ch < MEAN_BGR.length; ch++) {
                x.get(NDArrayIndex.all(), NDArrayIndex.point(ch), NDArrayIndex.all(), NDArrayIndex.all())
                        .subi(MEAN_BGR[ch]);
            }
            return batch;
        }

        @Override
        public int batchSize() {
            return source.batchSize();
        }
    }

    private static java.awt.image.BufferedImage confusionChart(String variant, List<String> classes, long[][] counts) {
        int k = classes.size();
        HeatMapChart chart = Charts.chart(
                HeatMapChart::new,
                700,
                600,
                "Confusion matrix, " + variant + " (rows: true class, columns: predicted)",
                "predicted",
                "true");
        chart.getStyler().setShowValue(true);
        chart.getStyler().setPlotContentSize(1);
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                cells.add(new Number[] {p, k - 1 - t, counts[t][p]});
            }
        }
        List<String> reversed = new ArrayList<>(classes);
        java.util.Collections.reverse(reversed);
        chart.addSeries("counts", classes, reversed, cells);
        return BitmapEncoder.getBufferedImage(chart);
    }
}

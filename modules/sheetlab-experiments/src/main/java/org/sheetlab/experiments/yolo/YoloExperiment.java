package org.sheetlab.experiments.yolo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.detection.NonMaxSuppression;
import org.sheetlab.data.detection.AnnotatedImage;
import org.sheetlab.data.detection.DetectionArrays;
import org.sheetlab.data.detection.PastedItemsGenerator;
import org.sheetlab.data.detection.VocDataset;
import org.sheetlab.experiments.options.TrainedOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.models.detection.AnchorKMeans;
import org.sheetlab.models.detection.YoloDetector;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.eval.LossEvaluator;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sheet, "YOLO &amp; Object Detection": a YOLOv2-style detector (DL4J's {@code Yolo2OutputLayer}, anchor priors from
 * k-means on the training boxes with the 1 − IoU distance, λ_coord, λ_noobj) trained on the fashion-detect set
 * (Fashion-MNIST items pasted onto 96 × 96 canvases, Pascal VOC layout, {@link PastedItemsGenerator}), or any VOC
 * set given with {@code --data-dir}, read through DataVec's {@code ObjectDetectionRecordReader}
 * ({@link DetectionArrays}).
 *
 * <p>After training, the network's candidates on the test split (every prior of every grid cell, decoded to pixels,
 * score = p_c · max P(class)) go through the sheet's NMS ({@link NonMaxSuppression}: discard score &lt; s, sort,
 * keep the top box, discard IoU &gt; t with it, repeat) and are scored with mAP: the headline is the usual protocol,
 * every detection above a low floor ({@code --eval-score}, 0.01) after NMS at IoU 0.5, as mAP@0.5 (VOC, all-point)
 * and mAP@[0.5:0.95] (COCO, 101-point); beside it the same mAP@0.5 with the sheet's thresholds (0.6 / 0.5), which
 * drops every detection under 0.6 and so the low-precision tail of the PR curve.
 *
 * <p>Files besides the harness's: {@code ap-per-class.csv/.txt} (AP@0.5, AP@[0.5:0.95], ground truths and
 * detections per class), {@code pr-curves.png} (a panel per class, at IoU 0.5 and 0.75), {@code nms-sweep.csv/.txt}
 * and {@code nms-sweep.png} (mAP for each score × IoU threshold pair, the sheet's marked), {@code anchors.txt}, and
 * {@code samples/} (test images with the ground truth, the boxes after NMS step 1 only, after NMS, and after the
 * sheet's NMS).
 */
@Command(
        name = "yolo",
        mixinStandardHelpOptions = true,
        description = "YOLO detector (sheet: YOLO & Object Detection) on Fashion-MNIST items pasted onto canvases: "
                + "anchors by k-means, Yolo2OutputLayer, mAP@0.5 / mAP@[.5:.95], PR curves and the sheet's NMS "
                + "thresholds (p_c 0.6, IoU 0.5) against others.")
public final class YoloExperiment extends Experiment<YoloExperiment.Options, YoloExperiment.Data, Void> {
    static final Headline MAP50 = Headline.of("testMap50", "mAP@0.5");
    static final Headline MAP50_95 = Headline.of("testMap50to95", "mAP@[.5:.95]");
    static final Headline MAP50_SHEET = Headline.of("testMap50SheetNms", "mAP@0.5, NMS 0.6/0.5");

    /** Options: the set, the anchors and loss weights, the network's widths, and the evaluation's thresholds. */
    public static final class Options extends TrainedOptions {
        @Option(
                names = "--anchors",
                description = "Anchor priors chosen by k-means on the training boxes (default: ${DEFAULT-VALUE}).")
        public int anchors = 5;

        @Option(
                names = "--widths",
                split = ",",
                description = "Channels of the detector's stages, 2x2 max pooling between them: n stages give a grid "
                        + "stride of 2^(n-1) (default: 16,32,64,128: stride 8, a 12x12 grid on 96x96 images).")
        public List<Integer> widths = List.of(16, 32, 64, 128);

        @Option(
                names = "--lambda-coord",
                description = "YOLO's box-coordinate loss weight (default: ${DEFAULT-VALUE}).")
        public double lambdaCoord = 5.0;

        @Option(
                names = "--lambda-noobj",
                description = "YOLO's no-object confidence loss weight (default: ${DEFAULT-VALUE}).")
        public double lambdaNoObj = 0.5;

        @Option(
                names = "--train-images",
                description = "Train on the first N images of the train split (default: all).")
        public Integer trainImages;

        @Option(
                names = "--test-images",
                description = "Evaluate on the first N images of the test split (default: all).")
        public Integer testImages;

        @Option(
                names = "--eval-score",
                description = "Score floor of the headline mAP: detections with p_c * P(class) below it are dropped "
                        + "before NMS (default: ${DEFAULT-VALUE}, the usual mAP protocol).")
        public double evalScore = 0.01;

        @Option(
                names = "--eval-iou",
                description = "NMS IoU threshold of the headline mAP (default: ${DEFAULT-VALUE}, the sheet's).")
        public double evalIou = NonMaxSuppression.SHEET_IOU_THRESHOLD;

        @Option(
                names = "--per-class-nms",
                description = "A box suppresses only boxes of its own class (default: the sheet's NMS, over all "
                        + "classes).")
        public boolean perClassNms;

        @Option(
                names = "--sweep-scores",
                split = ",",
                description = "Score thresholds of the NMS sweep (default: 0.01,0.1,0.3,0.5,0.6,0.8).")
        public List<Double> sweepScores = List.of(0.01, 0.1, 0.3, 0.5, 0.6, 0.8);

        @Option(
                names = "--sweep-ious",
                split = ",",
                description = "IoU thresholds of the NMS sweep; 1 = no suppression (default: 0.3,0.5,0.7,0.9,1).")
        public List<Double> sweepIous = List.of(0.3, 0.5, 0.7, 0.9, 1.0);

        @Option(
                names = "--samples",
                description = "Test images drawn with their detections (default: ${DEFAULT-VALUE}).")
        public int samples = 8;

        @Option(
                names = "--sample-score",
                description = "Score threshold of the drawn samples' boxes before and after NMS (IoU 0.5), beside the "
                        + "sheet's NMS at 0.6 (default: ${DEFAULT-VALUE}).")
        public double sampleScore = 0.1;

        public Options() {
            super(18, 32, 1e-3);
        }
    }

    /**
     * The two splits in memory, the anchors and the grid.
     *
     * @param root the VOC folder
     * @param train the train split, labels on the grid
     * @param test the test split
     * @param anchors the priors [k, 2] (w, h) in grid cells, as {@code Yolo2OutputLayer} takes them
     * @param anchorsPixels the same in pixels of the network input
     * @param meanIou k-means' mean IoU of a training box with its prior
     */
    public record Data(
            Path root,
            DetectionArrays train,
            DetectionArrays test,
            INDArray anchors,
            INDArray anchorsPixels,
            double meanIou,
            int channels,
            int height,
            int width,
            int gridH,
            int gridW) {
        public List<String> classes() {
            return train.split().classes();
        }
    }

    /** What {@link #measure} computed, for {@link #finish}'s run.json entries. */
    private Map<String, Object> report = Map.of();

    public YoloExperiment() {
        super(new Options(), MAP50, MAP50_95, MAP50_SHEET, Headline.TEST_LOSS);
    }

    @Override
    protected void validate(Options o) {
        check(o.anchors >= 1 && o.anchors <= 20, "--anchors must be in 1..20, got " + o.anchors);
        check(
                !o.widths.isEmpty() && o.widths.stream().allMatch(w -> w >= 1),
                "--widths must be positive channel counts, e.g. 16,32,64,128,128, got " + o.widths);
        check(o.lambdaCoord > 0, "--lambda-coord must be > 0, got " + o.lambdaCoord);
        check(o.lambdaNoObj > 0, "--lambda-noobj must be > 0, got " + o.lambdaNoObj);
        check(o.trainImages == null || o.trainImages >= 1, "--train-images must be >= 1, got " + o.trainImages);
        check(o.testImages == null || o.testImages >= 1, "--test-images must be >= 1, got " + o.testImages);
        check(o.evalScore >= 0 && o.evalScore < 1, "--eval-score must be in [0, 1), got " + o.evalScore);
        check(o.evalIou > 0 && o.evalIou <= 1, "--eval-iou must be in (0, 1], got " + o.evalIou);
        check(!o.sweepScores.isEmpty(), "--sweep-scores needs at least one threshold");
        for (double s : o.sweepScores) {
            check(s >= 0 && s < 1, "--sweep-scores must each be in [0, 1), got " + s);
        }
        check(!o.sweepIous.isEmpty(), "--sweep-ious needs at least one threshold");
        for (double t : o.sweepIous) {
            check(t > 0 && t <= 1, "--sweep-ious must each be in (0, 1] (1: no suppression), got " + t);
        }
        check(o.samples >= 0, "--samples must be >= 0, got " + o.samples);
        check(o.sampleScore >= 0 && o.sampleScore < 1, "--sample-score must be in [0, 1), got " + o.sampleScore);
        if (o.dataDir.value != null && Files.exists(o.dataDir.value)) {
            check(
                    Files.isDirectory(o.dataDir.value.resolve(VocDataset.ANNOTATIONS)),
                    "--data-dir " + o.dataDir.value + " is not a VOC detection set (no " + VocDataset.ANNOTATIONS
                            + "/ folder); give a folder with Annotations/, PNGImages/ or JPEGImages/ and "
                            + "ImageSets/Main/train.txt and test.txt, or a folder that does not exist to generate "
                            + "fashion-detect there");
        }
    }

    @Override
    protected Data data(Options o, long seed, RunDirectory run) {
        Path root = o.dataDir.value != null && Files.exists(o.dataDir.value)
                ? o.dataDir.value // the user's own VOC set, or one generated earlier
                : PastedItemsGenerator.locateOrGenerate(o.dataDir.value, PastedItemsGenerator.Options.DEFAULT, null);
        VocDataset train = first(VocDataset.read(root, "train"), o.trainImages);
        VocDataset test = first(VocDataset.read(root, "test", train.classes()), o.testImages);
        AnnotatedImage first = train.images().get(0);
        int height = first.height();
        int width = first.width();
        int channels = first.depth();
        YoloDetector.Builder shape =
                detector(o, channels, height, width, train.classes().size(), seed);
        int stride = shape.gridStride();
        check(
                height % stride == 0 && width % stride == 0,
                "the images (" + width + "x" + height + ") must be multiples of the grid stride " + stride + " of "
                        + o.widths.size() + " stages (--widths, stride 2^(stages-1)); give fewer stages");
        int gridH = shape.gridHeight();
        int gridW = shape.gridWidth();
        // anchors: k-means on the training boxes' sizes in network-input pixels, then in grid cells
        double[][] sizes = train.images().stream()
                .flatMap(im -> im.boxes().stream().map(b -> new double[] {
                    b.width() * (double) width / im.width(), b.height() * (double) height / im.height()
                }))
                .toArray(double[][]::new);
        check(
                sizes.length >= o.anchors,
                "--anchors " + o.anchors + " is more than the " + sizes.length + " training boxes");
        AnchorKMeans.Result kmeans = AnchorKMeans.fit(Nd4j.createFromArray(sizes), o.anchors, seed);
        INDArray anchors = AnchorKMeans.toGridUnits(kmeans.priors(), width, height, gridW, gridH);
        final DetectionArrays trainArrays = DetectionArrays.read(train, height, width, channels, gridH, gridW);
        final DetectionArrays testArrays = DetectionArrays.read(test, height, width, channels, gridH, gridW);
        run.writeText("anchors.txt", anchorsText(kmeans, anchors, width, height, gridW, gridH));
        return new Data(
                root,
                trainArrays,
                testArrays,
                anchors,
                kmeans.priors(),
                kmeans.meanIou(),
                channels,
                height,
                width,
                gridH,
                gridW);
    }

    /** The detector's settings but the anchors. */
    static YoloDetector.Builder detector(Options o, int channels, int height, int width, int classes, long seed) {
        return YoloDetector.builder()
                .inputShape(channels, height, width)
                .classes(classes)
                .widths(o.widths.stream().mapToInt(Integer::intValue).toArray())
                .lambdaCoord(o.lambdaCoord)
                .lambdaNoObj(o.lambdaNoObj)
                .learningRate(o.learningRate.get())
                .seed(seed);
    }

    /** The first {@code n} images of {@code split} (all when n is null). */
    private static VocDataset first(VocDataset split, Integer n) {
        return n == null || n >= split.images().size()
                ? split
                : new VocDataset(
                        split.root(),
                        split.split(),
                        split.classes(),
                        split.images().subList(0, n));
    }

    private static String anchorsText(
            AnchorKMeans.Result kmeans, INDArray grid, int width, int height, int gridW, int gridH) {
        StringBuilder sb = new StringBuilder(String.format(
                java.util.Locale.ROOT,
                "anchor priors: k-means (1 - IoU) on the training boxes, mean IoU %.4f, %d iterations%n"
                        + "image %dx%d, grid %dx%d (a cell is %dx%d px)%n%-6s %10s %10s %10s %10s%n",
                kmeans.meanIou(),
                kmeans.iterations(),
                width,
                height,
                gridW,
                gridH,
                width / gridW,
                height / gridH,
                "prior",
                "w px",
                "h px",
                "w cells",
                "h cells"));
        for (int i = 0; i < grid.size(0); i++) {
            sb.append(String.format(
                    java.util.Locale.ROOT,
                    "%-6d %10.2f %10.2f %10.3f %10.3f%n",
                    i,
                    kmeans.priors().getDouble(i, 0),
                    kmeans.priors().getDouble(i, 1),
                    grid.getDouble(i, 0),
                    grid.getDouble(i, 1)));
        }
        return sb.toString();
    }

    @Override
    protected Map<String, Object> describe(Data d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "dataset",
                d.root().getFileName() + " " + d.train().size() + "/" + d.test().size() + " images, "
                        + boxCount(d.train()) + "/" + boxCount(d.test()) + " boxes");
        m.put("dataDir", d.root().toAbsolutePath().toString());
        m.put("classes", d.classes());
        m.put("input", List.of(d.channels(), d.height(), d.width()));
        m.put("grid", List.of(d.gridH(), d.gridW()));
        m.put("anchorsPixels", d.anchorsPixels().toDoubleMatrix());
        m.put("anchorsMeanIou", d.meanIou());
        return m;
    }

    private static int boxCount(DetectionArrays a) {
        return a.split().images().stream().mapToInt(im -> im.boxes().size()).sum();
    }

    @Override
    protected Trial trial(Context<Options, Data> c, Void variant, RunDirectory folder) {
        Data d = c.data();
        YoloDetector.Builder b = detector(
                        c.options(),
                        d.channels(),
                        d.height(),
                        d.width(),
                        d.classes().size(),
                        c.seed())
                .anchors(d.anchors());
        ComputationGraph net = b.build().graph();
        return Trial.of(
                NetworkStep.of(net),
                NetworkCounter.count(b.config(), b.inputType()),
                c.data().train().source(c.batchSize(), true, c.seed()),
                List.of(EvaluationSet.of(
                        "test", c.data().test().source(c.batchSize(), false, c.seed()), new LossEvaluator())));
    }

    @Override
    protected Map<String, Double> measure(
            Context<Options, Data> c, Void variant, TrainingResult trained, RunDirectory folder) {
        YoloReport r = YoloReport.write(c, (ComputationGraph) trained.model(), folder);
        report = r.runJson();
        return r.values();
    }

    @Override
    protected Map<String, Object> finish(
            Context<Options, Data> c, List<Row> rows, Map<String, TrainingResult> results) {
        return report;
    }

    static int nBoxes(Data d) {
        return (int) d.anchors().size(0);
    }
}

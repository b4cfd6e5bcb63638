package org.sheetlab.experiments.newton;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.sheetlab.core.secondorder.SecondOrder;
import org.sheetlab.data.breastcancer.BreastCancer;
import org.sheetlab.data.iterator.LabeledArrays;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.models.analysis.NetworkCounter;
import org.sheetlab.models.linear.SoftmaxRegression;
import org.sheetlab.models.optim.NewtonStep;
import org.sheetlab.models.optim.NewtonTrainer;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.EvaluationSet;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.eval.AccuracyEvaluator;
import org.sheetlab.train.eval.LossEvaluator;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains one small model (softmax regression 30 → 2, 62 parameters, DOUBLE) four ways on the breast-cancer training
 * split from the same initial parameters: full Newton, block-diagonal Newton (both damped, {@link NewtonStep}), SGD
 * and Adam, each in its own sub-folder on the training harness (so {@code --resume}, {@code --patience} on the
 * validation loss, {@code --checkpoint-every} and {@code --max-batches} act as for every experiment). An epoch is one
 * pass over the training split; with the default {@code --batch-size 0} that is one full-batch step, the setting of
 * the sheet's Newton step.
 *
 * <p>Writes {@code metrics.json} (per method: the full-training-set loss before training and after each epoch, the
 * cumulative training seconds; the Hessian's eigenvalue range and κ of the damped Hessian H + λI at the start and the
 * end of full Newton) and {@code newton.png} (loss against epoch and against wall time).
 */
@Command(
        name = "newton",
        mixinStandardHelpOptions = true,
        description =
                "Newton (full, block-diagonal) vs SGD vs Adam on breast-cancer data; loss vs time; Hessian kappa. "
                        + "--batch-size 0 (default) = full batch: one step per epoch.")
public final class NewtonExperiment implements Callable<Integer> {
    public static final String NAME = "newton";
    static final List<String> METHODS = List.of("newton-full", "newton-block", "sgd", "adam");

    /** Options: run and loop options (an epoch is a pass over the training split), damping and learning rates. */
    public static final class Options extends ExperimentOptions {
        @Option(names = "--damping", description = "Newton damping λ in (H + λI) (default: ${DEFAULT-VALUE}).")
        public double damping = 1.0;

        @Option(names = "--sgd-lr", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
        public double sgdLearningRate = 0.1;

        @Option(names = "--adam-lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        public double adamLearningRate = 1e-2;

        public Options() {
            super(25, 0);
            loop.checkpointEvery = 0;
        }
    }

    /** Full-training-set loss per epoch (index 0 = before training) and cumulative training seconds, per method. */
    public record Curve(String method, double[] loss, double[] seconds) {
        public double last() {
            return loss[loss.length - 1];
        }
    }

    public record Result(Path runDir, List<Curve> curves, double kappaStart, double kappaEnd) {}

    @Mixin
    Options options = new Options();

    @Override
    public Integer call() {
        Result r = run(options);
        for (Curve c : r.curves()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-16s loss %.5f -> %.5f in %.2f s%n",
                    c.method(),
                    c.loss()[0],
                    c.last(),
                    c.seconds()[c.seconds().length - 1]);
        }
        System.out.printf(
                Locale.ROOT,
                "kappa of H + damping*I (full Newton): start %.3g, end %.3g%nrun folder %s%n",
                r.kappaStart(),
                r.kappaEnd(),
                r.runDir());
        return 0;
    }

    /** Softmax regression 30 → 2 in DOUBLE with {@code updater} (unused by the Newton steps). */
    static SoftmaxRegression.Builder model(long seed, IUpdater updater) {
        return SoftmaxRegression.builder()
                .setInputSize(BreastCancer.FEATURES)
                .optOutputs(2)
                .optDataType(DataType.DOUBLE)
                .optUpdater(updater)
                .optSeed(seed);
    }

    private static MultiLayerNetwork init(SoftmaxRegression.Builder b) {
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    private static TrainingStep step(String method, MultiLayerNetwork net, double damping) {
        return switch (method) {
            case "newton-full" -> new NewtonStep(net, NewtonTrainer.Mode.FULL, damping, 1e-5);
            case "newton-block" -> new NewtonStep(net, NewtonTrainer.Mode.BLOCK_DIAGONAL, damping, 1e-5);
            default -> NetworkStep.of(net);
        };
    }

    private static LabeledArrays asDouble(LabeledArrays a) {
        return new LabeledArrays(
                a.features().castTo(DataType.DOUBLE), a.labels().castTo(DataType.DOUBLE), a.labelIds(), a.classNames());
    }

    public static Result run(Options o) {
        if (o.damping < 0 || !(o.sgdLearningRate > 0) || !(o.adamLearningRate > 0)) {
            throw new IllegalArgumentException("--damping must be >= 0 and --sgd-lr, --adam-lr > 0");
        }
        if (o.loop.batchSize < 0) {
            throw new IllegalArgumentException("--batch-size must be >= 0 (0 = full batch), got " + o.loop.batchSize);
        }
        RunDirectory run = o.open(NAME);
        BreastCancer data = Datasets.breastCancer(o.dataDir, o.run.seed);
        LabeledArrays train = asDouble(data.train());
        LabeledArrays validation = asDouble(data.validation());
        int batch = o.loop.batchSize == 0 ? train.size() : o.loop.batchSize;
        TrainingConfig config = o.configBuilder()
                .batchSize(batch)
                .monitor("validationLoss", false)
                .build();
        ExperimentRun.writeRunJson(
                run,
                NAME,
                "running",
                o,
                config,
                Map.of("dataset", "Wisconsin breast cancer, " + train.size() + " training examples, batch " + batch));
        DataSet full = new DataSet(train.features(), train.labels());
        List<Curve> curves = new ArrayList<>();
        MultiLayerNetwork newtonFull = null;
        for (String method : METHODS) {
            IUpdater updater = method.equals("adam") ? new Adam(o.adamLearningRate) : new Sgd(o.sgdLearningRate);
            SoftmaxRegression.Builder b = model(config.seed(), updater);
            MultiLayerNetwork net = init(b);
            double initialLoss = net.score(full, false);
            // full batch: the split in stored order (one step per epoch); mini-batches: reshuffled per epoch
            ArrayDataSource source =
                    batch == train.size() ? train.orderedSource(batch) : train.shuffledSource(batch, config.seed());
            TrainingResult r = ExperimentRun.train(
                    new RunDirectory(run.resolve(method)),
                    "newton: " + method,
                    config,
                    NetworkCounter.count(net.getLayerWiseConfigurations(), b.inputType()),
                    step(method, net, o.damping),
                    source,
                    List.of(
                            EvaluationSet.of("fullTrain", train.orderedSource(train.size()), new LossEvaluator()),
                            EvaluationSet.of(
                                    "validation",
                                    validation.orderedSource(validation.size()),
                                    new LossEvaluator(),
                                    new AccuracyEvaluator())));
            curves.add(curve(method, initialLoss, r.history()));
            if (method.equals("newton-full")) {
                newtonFull = (MultiLayerNetwork) r.model();
            }
        }
        // κ of the damped Hessian H + λI, the matrix Newton actually solves (H itself is singular here)
        INDArray[] eig = {
            SecondOrder.eigenvalues(new NewtonTrainer(
                            init(model(config.seed(), new Sgd(o.sgdLearningRate))),
                            NewtonTrainer.Mode.FULL,
                            o.damping,
                            1e-5)
                    .hessian(full)),
            SecondOrder.eigenvalues(
                    new NewtonTrainer(newtonFull, NewtonTrainer.Mode.FULL, o.damping, 1e-5).hessian(full))
        };
        double[] kappa = new double[2];
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epochs", config.epochs());
        json.put("batchSize", batch);
        json.put("parameters", newtonFull.numParams());
        json.put("damping", o.damping);
        for (int k = 0; k < 2; k++) {
            kappa[k] = SecondOrder.dampedConditionNumber(eig[k], o.damping);
            String when = k == 0 ? "Start" : "End";
            json.put("hessianLambdaMin" + when, eig[k].minNumber().doubleValue());
            json.put("hessianLambdaMax" + when, eig[k].maxNumber().doubleValue());
            json.put("kappaDamped" + when, kappa[k]);
        }
        json.put("curves", curves);
        run.writeJson("metrics.json", json);
        writePlot(run, curves);
        ExperimentRun.writeRunJson(run, NAME, "completed", o, config, Map.of("results", json));
        return new Result(run.root(), curves, kappa[0], kappa[1]);
    }

    /** Loss before training, then the full-training-set loss after each epoch; cumulative training seconds. */
    private static Curve curve(String method, double initialLoss, List<EpochMetrics> history) {
        double[] loss = new double[history.size() + 1];
        double[] seconds = new double[history.size() + 1];
        loss[0] = initialLoss;
        for (int i = 0; i < history.size(); i++) {
            loss[i + 1] = history.get(i).metric("fullTrainLoss");
            seconds[i + 1] = seconds[i] + history.get(i).seconds();
        }
        return new Curve(method, loss, seconds);
    }

    private static void writePlot(RunDirectory run, List<Curve> curves) {
        XYChart byEpoch = new XYChartBuilder()
                .width(560)
                .height(400)
                .title("loss by epoch")
                .xAxisTitle("epoch")
                .yAxisTitle("training loss")
                .build();
        XYChart byTime = new XYChartBuilder()
                .width(560)
                .height(400)
                .title("loss by wall time")
                .xAxisTitle("seconds")
                .yAxisTitle("training loss")
                .build();
        for (Curve c : curves) {
            double[] it = new double[c.loss().length];
            for (int i = 0; i < it.length; i++) {
                it[i] = i;
            }
            byEpoch.addSeries(c.method(), it, c.loss()).setMarker(SeriesMarkers.NONE);
            byTime.addSeries(c.method(), c.seconds(), c.loss()).setMarker(SeriesMarkers.NONE);
        }
        Charts.writePng(run, "newton.png", Charts.sideBySide(byEpoch, byTime));
    }
}

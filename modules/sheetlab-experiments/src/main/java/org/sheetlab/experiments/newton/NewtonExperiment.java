package org.sheetlab.experiments.newton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.sheetlab.core.secondorder.SecondOrder;
import org.sheetlab.data.breastcancer.BreastCancer;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.run.Context;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.experiments.run.Trial;
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
import picocli.CommandLine.Option;

/**
 * Sheet, Newton's method and Hessians: trains one small model (softmax regression 30 → 2, 62 parameters, DOUBLE) four ways on the breast-cancer training
 * split from the same initial parameters: full Newton, block-diagonal Newton (both damped, {@link NewtonStep}), SGD
 * and Adam, each in its own sub-folder on the training harness (so {@code --resume}, {@code --patience} on the
 * validation loss, {@code --checkpoint-every} and {@code --max-batches} act as for every experiment). An epoch is one
 * pass over the training split; with the default {@code --batch-size 0} that is one full-batch step, the setting of
 * the sheet's Newton step.
 *
 * <p>Headline per method: the final full-training-set loss and the validation loss and accuracy. Writes
 * {@code newton.json} (per method: the full-training-set loss before training and after each epoch, the cumulative
 * training seconds; the Hessian's eigenvalue range and κ of the damped Hessian H + λI at the start and the end of full
 * Newton) and {@code newton.png} (loss against epoch and against wall time).
 */
@Command(
        name = "newton",
        mixinStandardHelpOptions = true,
        description =
                "Newton (full, block-diagonal) vs SGD vs Adam on breast-cancer data; loss vs time; Hessian kappa. "
                        + "--batch-size 0 (default) = full batch: one step per epoch.")
public final class NewtonExperiment extends Experiment<NewtonExperiment.Options, NewtonExperiment.Splits, String> {
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

    /** The training and validation splits in DOUBLE (Newton solves with the Hessian in double precision). */
    public record Splits(LabeledArrays train, LabeledArrays validation) {}

    public NewtonExperiment() {
        super(
                new Options(),
                Headline.of("fullTrainLoss", "training loss", "%.5f"),
                Headline.of("validationLoss", "validation loss", "%.5f"),
                Headline.of("validationAccuracy", "validation accuracy"));
    }

    @Override
    protected void validate(Options o) {
        check(o.damping >= 0, "--damping must be >= 0, got " + o.damping);
        check(o.sgdLearningRate > 0, "--sgd-lr must be > 0, got " + o.sgdLearningRate);
        check(o.adamLearningRate > 0, "--adam-lr must be > 0, got " + o.adamLearningRate);
        check(o.loop.batchSize >= 0, "--batch-size must be >= 0 (0 = full batch), got " + o.loop.batchSize);
    }

    @Override
    protected Splits data(Options o, long seed, RunDirectory run) {
        BreastCancer data = Datasets.breastCancer(o.dataDir, seed);
        return new Splits(asDouble(data.train()), asDouble(data.validation()));
    }

    /** {@code --batch-size 0} is the full training split: one Newton step per epoch. */
    @Override
    protected TrainingConfig config(Options o, Splits data) {
        int batch = o.loop.batchSize == 0 ? data.train().size() : o.loop.batchSize;
        return o.configBuilder()
                .batchSize(batch)
                .monitor("validationLoss", false)
                .build();
    }

    @Override
    protected Map<String, Object> describe(Splits data) {
        return Map.of("dataset", "Wisconsin breast cancer, " + data.train().size() + " training examples");
    }

    @Override
    protected List<String> variants(Options o) {
        return METHODS;
    }

    private static IUpdater updater(Options o, String method) {
        return method.equals("adam") ? new Adam(o.adamLearningRate) : new Sgd(o.sgdLearningRate);
    }

    @Override
    protected Trial trial(Context<Options, Splits> c, String method, RunDirectory folder) {
        LabeledArrays train = c.data().train();
        LabeledArrays validation = c.data().validation();
        SoftmaxRegression.Builder b = model(c.seed(), updater(c.options(), method));
        MultiLayerNetwork net = init(b);
        int batch = c.batchSize();
        // full batch: the split in stored order (one step per epoch); mini-batches: reshuffled per epoch
        ArrayDataSource source =
                batch == train.size() ? train.orderedSource(batch) : train.shuffledSource(batch, c.seed());
        return Trial.of(
                step(method, net, c.options().damping),
                NetworkCounter.count(net.getLayerWiseConfigurations(), b.inputType()),
                source,
                List.of(
                        EvaluationSet.of("fullTrain", train.orderedSource(train.size()), new LossEvaluator()),
                        EvaluationSet.of(
                                "validation",
                                validation.orderedSource(validation.size()),
                                new LossEvaluator(),
                                new AccuracyEvaluator())));
    }

    /** The loss curves, and κ of the damped Hessian H + λI at the start and the end of full Newton. */
    @Override
    protected Map<String, Object> finish(
            Context<Options, Splits> c, List<Row> rows, Map<String, TrainingResult> results) {
        Options o = c.options();
        LabeledArrays train = c.data().train();
        DataSet full = new DataSet(train.features(), train.labels());
        List<Curve> curves = new ArrayList<>();
        for (String method : METHODS) {
            double initialLoss = init(model(c.seed(), updater(o, method))).score(full, false);
            curves.add(curve(method, initialLoss, results.get(method).history()));
        }
        MultiLayerNetwork newtonFull =
                (MultiLayerNetwork) results.get("newton-full").model();
        // κ of the damped Hessian H + λI, the matrix Newton actually solves (H itself is singular here)
        INDArray[] eig = {
            SecondOrder.eigenvalues(new NewtonTrainer(
                            init(model(c.seed(), new Sgd(o.sgdLearningRate))), NewtonTrainer.Mode.FULL, o.damping, 1e-5)
                    .hessian(full)),
            SecondOrder.eigenvalues(
                    new NewtonTrainer(newtonFull, NewtonTrainer.Mode.FULL, o.damping, 1e-5).hessian(full))
        };
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epochs", c.config().epochs());
        json.put("batchSize", c.batchSize());
        json.put("parameters", newtonFull.numParams());
        json.put("damping", o.damping);
        for (int k = 0; k < 2; k++) {
            String when = k == 0 ? "Start" : "End";
            json.put("hessianLambdaMin" + when, eig[k].minNumber().doubleValue());
            json.put("hessianLambdaMax" + when, eig[k].maxNumber().doubleValue());
            json.put("kappaDamped" + when, SecondOrder.dampedConditionNumber(eig[k], o.damping));
        }
        json.put("curves", curves);
        c.run().writeJson("newton.json", json);
        writePlot(c.run(), curves);
        return json;
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
        XYChart byEpoch = Charts.chart(XYChart::new, 560, 400, "loss by epoch", "epoch", "training loss");
        XYChart byTime = Charts.chart(XYChart::new, 560, 400, "loss by wall time", "seconds", "training loss");
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

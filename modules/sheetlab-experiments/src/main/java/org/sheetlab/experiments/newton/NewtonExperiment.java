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
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.sheetlab.core.secondorder.SecondOrder;
import org.sheetlab.data.breastcancer.BreastCancer;
import org.sheetlab.experiments.plot.Charts;
import org.sheetlab.experiments.run.RunDirectory;
import org.sheetlab.experiments.train.TrainingOptions;
import org.sheetlab.experiments.train.TrainingSession;
import org.sheetlab.models.linear.SoftmaxRegression;
import org.sheetlab.models.optim.NewtonTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains one small model (softmax regression 30 → 2, 62 parameters, DOUBLE) four ways on the full breast-cancer training
 * split (full batch): full Newton, block-diagonal Newton (both damped), SGD and Adam, for {@code --epochs}
 * iterations each, from the same initial parameters. Writes {@code losses.json}, {@code newton.png} (loss against
 * iteration and against wall time), and the Hessian's eigenvalue range and κ of the damped Hessian H + λI at the
 * start and the end of full Newton.
 * Here an "epoch" is one full-batch iteration.
 */
@Command(name = "newton", mixinStandardHelpOptions = true,
        description = "Newton (full, block-diagonal) vs SGD vs Adam on breast-cancer data; loss vs time; Hessian kappa.")
public final class NewtonExperiment implements Callable<Integer> {
    public static final String NAME = "newton";

    /** Options: the common ones (epochs = iterations) plus damping and the first-order learning rates. */
    public static final class Options extends TrainingOptions {
        @Option(names = "--damping", description = "Newton damping λ in (H + λI) (default: ${DEFAULT-VALUE}).")
        public double damping = 1.0;

        @Option(names = "--sgd-lr", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
        public double sgdLearningRate = 0.1;

        @Option(names = "--adam-lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        public double adamLearningRate = 1e-2;

        public Options() {
            epochs = 25;
        }
    }

    /** Loss per iteration (index 0 = before training) and cumulative seconds, per method. */
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
            System.out.printf(Locale.ROOT, "%-16s loss %.5f -> %.5f in %.2f s%n", c.method(), c.loss()[0], c.last(),
                    c.seconds()[c.seconds().length - 1]);
        }
        System.out.printf(Locale.ROOT, "kappa of H + damping*I (full Newton): start %.3g, end %.3g%nrun folder %s%n",
                r.kappaStart(), r.kappaEnd(), r.runDir());
        return 0;
    }

    /**
     * Softmax regression 30 → 2 (62 parameters, DOUBLE): convex, so its Hessian is positive semi-definite and Newton's
     * step is a descent step. (On the 30-4-2-2 MLP the Hessian at initialisation was indefinite, κ = −1.2, and the
     * block-diagonal step diverged; Newton's method needs curvature it can trust.) The two-class softmax is
     * over-parametrised, so H is singular without damping.
     */
    static MultiLayerNetwork network(long seed, IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(SoftmaxRegression.builder().setInputSize(BreastCancer.FEATURES)
                .optOutputs(2).optDataType(DataType.DOUBLE).optUpdater(updater).optSeed(seed).build());
        net.init();
        return net;
    }

    public static Result run(Options o) {
        if (o.damping < 0 || o.sgdLearningRate <= 0 || o.adamLearningRate <= 0) {
            throw new IllegalArgumentException("--damping must be >= 0 and the learning rates > 0");
        }
        RunDirectory run = TrainingSession.open(NAME, o);
        BreastCancer data = BreastCancer.load(o.seed);
        DataSet full = new DataSet(data.train().features().castTo(DataType.DOUBLE),
                data.train().labels().castTo(DataType.DOUBLE));
        TrainingSession.writeRunJson(run, NAME, "running", o, Map.of("dataset", "Wisconsin breast cancer, "
                + data.train().size() + " training examples, full batch"));
        int iterations = o.maxBatches == null ? o.epochs : Math.min(o.epochs, o.maxBatches);
        MultiLayerNetwork init = network(o.seed, new Sgd(o.sgdLearningRate));
        List<Curve> curves = new ArrayList<>();
        org.nd4j.linalg.api.ndarray.INDArray[] eig = new org.nd4j.linalg.api.ndarray.INDArray[2];
        for (String method : List.of("Newton (full)", "Newton (block)", "SGD", "Adam")) {
            MultiLayerNetwork net = network(o.seed, method.equals("Adam") ? new Adam(o.adamLearningRate)
                    : new Sgd(o.sgdLearningRate));
            net.setParams(init.params().dup());
            NewtonTrainer newton = method.startsWith("Newton") ? new NewtonTrainer(net, method.contains("full")
                    ? NewtonTrainer.Mode.FULL : NewtonTrainer.Mode.BLOCK_DIAGONAL, o.damping, 1e-5) : null;
            if (method.equals("Newton (full)")) {
                eig[0] = SecondOrder.eigenvalues(newton.hessian(full));
            }
            double[] loss = new double[iterations + 1];
            double[] seconds = new double[iterations + 1];
            loss[0] = net.score(full, false);
            long t0 = System.nanoTime();
            for (int i = 1; i <= iterations; i++) {
                if (newton != null) {
                    newton.step(full);
                } else {
                    net.fit(full);
                }
                seconds[i] = (System.nanoTime() - t0) / 1e9;
                loss[i] = net.score(full, false);
            }
            if (method.equals("Newton (full)")) {
                eig[1] = SecondOrder.eigenvalues(newton.hessian(full));
            }
            curves.add(new Curve(method, loss, seconds));
        }
        // κ of the damped Hessian H + λI, the matrix Newton actually solves (H itself is singular here)
        double[] kappa = new double[2];
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("iterations", iterations);
        json.put("parameters", init.numParams());
        json.put("damping", o.damping);
        for (int k = 0; k < 2; k++) {
            double min = eig[k].minNumber().doubleValue();
            double max = eig[k].maxNumber().doubleValue();
            kappa[k] = SecondOrder.dampedConditionNumber(eig[k], o.damping);
            String when = k == 0 ? "Start" : "End";
            json.put("hessianLambdaMin" + when, min);
            json.put("hessianLambdaMax" + when, max);
            json.put("kappaDamped" + when, kappa[k]);
        }
        json.put("curves", curves);
        run.writeJson("losses.json", json);
        writePlot(run, curves);
        TrainingSession.writeRunJson(run, NAME, "completed", o, Map.of("results", json));
        return new Result(run.root(), curves, kappa[0], kappa[1]);
    }

    private static void writePlot(RunDirectory run, List<Curve> curves) {
        XYChart byIteration = new XYChartBuilder().width(560).height(400).title("loss by iteration")
                .xAxisTitle("iteration").yAxisTitle("training loss").build();
        XYChart byTime = new XYChartBuilder().width(560).height(400).title("loss by wall time")
                .xAxisTitle("seconds").yAxisTitle("training loss").build();
        for (Curve c : curves) {
            double[] it = new double[c.loss().length];
            for (int i = 0; i < it.length; i++) {
                it[i] = i;
            }
            byIteration.addSeries(c.method(), it, c.loss()).setMarker(SeriesMarkers.NONE);
            byTime.addSeries(c.method(), c.seconds(), c.loss()).setMarker(SeriesMarkers.NONE);
        }
        Charts.writePng(run, "newton.png", Charts.sideBySide(byIteration, byTime));
    }
}

package org.sheetlab.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.assertj.core.api.Assertions;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.UpdaterCreator;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link GradientCheckUtil} with its boolean asserted. The check must run in DOUBLE (the network's data type and
 * ND4J's defaults, see {@link DoublePrecision}); a FLOAT network fails at once instead of passing or failing by
 * rounding. When the check fails, the message names the parameters whose analytic gradient disagrees with a central
 * difference ({@code "1_W[3]: analytic …, numeric …"}), recomputed here because DL4J only logs them.
 *
 * <p>Defaults ({@link #EPSILON}, {@link #MAX_REL_ERROR}, {@link #MIN_ABS_ERROR}) are those of the layer tests: in DOUBLE
 * a correct gradient agrees with a central difference of step 1e-6 to about 1e-8 relative.
 */
public final class GradientChecks {
    public static final double EPSILON = 1e-6;
    public static final double MAX_REL_ERROR = 1e-5;
    public static final double MIN_ABS_ERROR = 1e-9;

    private GradientChecks() {}

    /** A configuration with the default epsilon and tolerances, to add masks or exclusions to. */
    public static GradientCheckUtil.MLNConfig config(MultiLayerNetwork net, INDArray input, INDArray labels) {
        return new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(labels)
                .epsilon(EPSILON)
                .maxRelError(MAX_REL_ERROR)
                .minAbsoluteError(MIN_ABS_ERROR);
    }

    /** A configuration with the default epsilon and tolerances, to add masks or exclusions to. */
    public static GradientCheckUtil.GraphConfig config(ComputationGraph net, INDArray[] inputs, INDArray[] labels) {
        return new GradientCheckUtil.GraphConfig()
                .net(net)
                .inputs(inputs)
                .labels(labels)
                .epsilon(EPSILON)
                .maxRelError(MAX_REL_ERROR)
                .minAbsoluteError(MIN_ABS_ERROR);
    }

    public static void assertGradientsOk(MultiLayerNetwork net, INDArray input, INDArray labels) {
        assertGradientsOk("", config(net, input, labels));
    }

    public static void assertGradientsOk(ComputationGraph net, INDArray[] inputs, INDArray[] labels) {
        assertGradientsOk("", config(net, inputs, labels));
    }

    public static void assertGradientsOk(GradientCheckUtil.MLNConfig config) {
        assertGradientsOk("", config);
    }

    public static void assertGradientsOk(GradientCheckUtil.GraphConfig config) {
        assertGradientsOk("", config);
    }

    /** Runs the check and fails with {@code what} and the failing parameters if it does not pass. */
    public static void assertGradientsOk(String what, GradientCheckUtil.MLNConfig config) {
        MultiLayerNetwork net = config.net();
        requireDouble(what, net.getLayerWiseConfigurations().getDataType(), net.params(), config.input());
        if (GradientCheckUtil.checkGradients(config)) {
            return;
        }
        DataSet ds = new DataSet(config.input(), config.labels(), config.inputMask(), config.labelMask());
        Map<String, INDArray> analytic = analytic(() -> {
            net.setInput(config.input());
            net.setLabels(config.labels());
            net.setLayerMaskArrays(config.inputMask(), config.labelMask());
            net.computeGradientAndScore();
            Gradient g = net.gradient();
            // as in GradientCheckUtil: the updater (NoOp or SGD(1)) divides by the minibatch and adds regularization
            UpdaterCreator.getUpdater(net)
                    .update(net, g, 0, 0, (int) config.input().size(0), LayerWorkspaceMgr.noWorkspaces());
            return g.gradientForVariable();
        });
        failNamingParameters(
                what,
                net.paramTable(),
                analytic,
                config.excludeParams(),
                () -> net.score(ds, true),
                config.epsilon(),
                config.maxRelError(),
                config.minAbsoluteError());
    }

    /** Runs the check and fails with {@code what} and the failing parameters if it does not pass. */
    public static void assertGradientsOk(String what, GradientCheckUtil.GraphConfig config) {
        ComputationGraph net = config.net();
        requireDouble(what, net.getConfiguration().getDataType(), net.params(), config.inputs()[0]);
        if (GradientCheckUtil.checkGradients(config)) {
            return;
        }
        MultiDataSet mds = new MultiDataSet(config.inputs(), config.labels(), config.inputMask(), config.labelMask());
        Map<String, INDArray> analytic = analytic(() -> {
            net.setInputs(config.inputs());
            net.setLabels(config.labels());
            net.setLayerMaskArrays(config.inputMask(), config.labelMask());
            net.computeGradientAndScore();
            Gradient g = net.gradient();
            new ComputationGraphUpdater(net)
                    .update(g, 0, 0, (int) config.inputs()[0].size(0), LayerWorkspaceMgr.noWorkspaces());
            return g.gradientForVariable();
        });
        failNamingParameters(
                what,
                net.paramTable(),
                analytic,
                config.excludeParams(),
                () -> net.score(mds, true),
                config.epsilon(),
                config.maxRelError(),
                config.minAbsoluteError());
    }

    private static void requireDouble(String what, DataType network, INDArray params, INDArray input) {
        if (network != DataType.DOUBLE
                || params.dataType() != DataType.DOUBLE
                || Nd4j.defaultFloatingPointType() != DataType.DOUBLE
                || (input != null && input.dataType() != DataType.DOUBLE)) {
            Assertions.fail(
                    "%sgradient checks need DOUBLE everywhere: network %s, parameters %s, "
                            + "ND4J default %s, input %s (build with .dataType(DataType.DOUBLE), run with "
                            + "@ExtendWith(DoublePrecision.class))",
                    prefix(what),
                    network,
                    params.dataType(),
                    Nd4j.defaultFloatingPointType(),
                    input == null ? "none" : input.dataType());
        }
    }

    private interface GradientSource {
        Map<String, INDArray> get();
    }

    private static Map<String, INDArray> analytic(GradientSource source) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        source.get().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static String prefix(String what) {
        return what.isEmpty() ? "" : what + ": ";
    }

    /**
     * Recomputes central differences parameter by parameter and fails naming, for each parameter that disagrees, how
     * many entries disagree and the worst one (multi-index in the parameter's shape).
     */
    private static void failNamingParameters(
            String what,
            Map<String, INDArray> params,
            Map<String, INDArray> analytic,
            Set<String> excluded,
            DoubleSupplier score,
            double eps,
            double maxRel,
            double minAbs) {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray p = e.getValue();
            INDArray g = analytic.get(e.getKey());
            if (g == null || (excluded != null && excluded.contains(e.getKey()))) {
                continue;
            }
            int failed = 0;
            double worstRel = -1;
            String worst = "";
            for (long j = 0; j < p.length(); j++) {
                long[] at = Shape.ind2subC(p.shape(), j);
                double original = p.getDouble(at);
                p.putScalar(at, original + eps);
                double plus = score.getAsDouble();
                p.putScalar(at, original - eps);
                double minus = score.getAsDouble();
                p.putScalar(at, original);
                double numeric = (plus - minus) / (2 * eps);
                double a = g.getDouble(at);
                double abs = Math.abs(a - numeric);
                double rel = abs == 0 ? 0 : abs / (Math.abs(a) + Math.abs(numeric));
                if (!(rel <= maxRel || abs < minAbs)) {
                    failed++;
                    if (!(rel <= worstRel)) {
                        worstRel = rel;
                        worst = String.format(
                                "worst %s: analytic %.6g, numeric %.6g, relative error %.3g",
                                Arrays.toString(at), a, numeric, rel);
                    }
                }
            }
            if (failed > 0) {
                failures.add(String.format("%s: %d of %d entries disagree, %s", e.getKey(), failed, p.length(), worst));
            }
        }
        Assertions.fail(
                "%sgradient check failed (max relative error %g, min absolute error %g)%s%s",
                prefix(what),
                maxRel,
                minAbs,
                failures.isEmpty() ? "; every entry agrees on recomputation (see DL4J's log)" : ":\n  ",
                String.join("\n  ", failures));
    }
}

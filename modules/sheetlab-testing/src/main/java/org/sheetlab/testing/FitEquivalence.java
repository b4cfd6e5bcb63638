package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks that a training step of our own trains a network as DL4J's {@code fit} does: two copies of the same network
 * (built twice from {@code factory}, which must be deterministic) take the same batches, one through {@code fit}, the
 * other through the step, with ND4J's generator reseeded identically before every batch (dropout masks, noise); then
 * the parameters, the updater state (Adam's m and v, a momentum), the iteration count and the scores must agree. The
 * difference is measured per array as max|a − b| / max|a| (relative to the array's scale, so that entries near zero
 * do not blow it up).
 */
public final class FitEquivalence {
    private FitEquivalence() {}

    /** What two runs ended with: the largest relative differences and the last scores. */
    public record Result(double params, double state, double score, double fitScore, double stepScore) {}

    /**
     * Trains two copies over {@code batches} ({@code rounds} passes) and returns the differences.
     *
     * @param step makes the step of a network: a function from a batch to its score
     */
    public static Result compare(
            Supplier<Model> factory,
            Function<Model, ToDoubleFunction<MultiDataSet>> step,
            List<MultiDataSet> batches,
            int rounds) {
        Model a = factory.get();
        Model b = factory.get();
        assertThat(a.params().equalsWithEps(b.params(), 0))
                .as("the factory builds identical networks")
                .isTrue();
        ToDoubleFunction<MultiDataSet> fast = step.apply(b);
        double scoreDiff = 0;
        double fitScore = 0;
        double stepScore = 0;
        int i = 0;
        for (int r = 0; r < rounds; r++) {
            for (MultiDataSet batch : batches) {
                Nd4j.getRandom().setSeed(1000L + i);
                fitScore = fit(a, batch);
                Nd4j.getRandom().setSeed(1000L + i);
                stepScore = fast.applyAsDouble(batch);
                scoreDiff = Math.max(scoreDiff, Math.abs(fitScore - stepScore) / Math.max(Math.abs(fitScore), 1e-12));
                i++;
            }
        }
        assertThat(iterations(b)).as("iteration count").isEqualTo(iterations(a));
        INDArray sa = state(a);
        INDArray sb = state(b);
        double stateDiff = sa == null ? 0 : relative(sa, sb);
        return new Result(relative(a.params(), b.params()), stateDiff, scoreDiff, fitScore, stepScore);
    }

    /**
     * Asserts that the step trains like fit to relative {@code tolerance} in parameters, updater state and scores.
     */
    public static Result assertTrainsLikeFit(
            Supplier<Model> factory,
            Function<Model, ToDoubleFunction<MultiDataSet>> step,
            List<MultiDataSet> batches,
            int rounds,
            double tolerance) {
        Result r = compare(factory, step, batches, rounds);
        assertThat(r.params()).as("parameters: max relative difference").isLessThanOrEqualTo(tolerance);
        assertThat(r.state()).as("updater state: max relative difference").isLessThanOrEqualTo(tolerance);
        assertThat(r.score()).as("scores: max relative difference").isLessThanOrEqualTo(tolerance);
        return r;
    }

    private static double fit(Model m, MultiDataSet batch) {
        if (m instanceof MultiLayerNetwork net) {
            net.fit(
                    batch.getFeatures(0),
                    batch.getLabels(0),
                    batch.getFeaturesMaskArray(0),
                    batch.getLabelsMaskArray(0));
            return net.score();
        }
        ComputationGraph g = (ComputationGraph) m;
        g.fit(batch);
        return g.score();
    }

    private static int iterations(Model m) {
        return m instanceof MultiLayerNetwork net
                ? net.getIterationCount()
                : ((ComputationGraph) m).getConfiguration().getIterationCount();
    }

    private static INDArray state(Model m) {
        return m instanceof MultiLayerNetwork net
                ? net.getUpdater().getStateViewArray()
                : ((ComputationGraph) m).getUpdater().getStateViewArray();
    }

    /** max|a − b| / max|a| over the elements (0 when both are all zero). */
    public static double relative(INDArray a, INDArray b) {
        assertThat(b.length()).isEqualTo(a.length());
        INDArray x = a.castTo(DataType.DOUBLE);
        INDArray y = b.castTo(DataType.DOUBLE);
        double scale = x.amaxNumber().doubleValue();
        double diff = x.sub(y).amaxNumber().doubleValue();
        return scale == 0 ? diff : diff / scale;
    }
}

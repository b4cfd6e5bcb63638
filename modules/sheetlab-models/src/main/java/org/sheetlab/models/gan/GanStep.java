package org.sheetlab.models.gan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.fast.StepSelection;

/**
 * {@link Gan}'s alternating step as a harness {@link TrainingStep}: every batch of real images is one
 * discriminator and one generator update, so the GAN gets the harness's seeded batches, progress bar, checkpoints of
 * both networks with their Adam states, and bit-identical resume. The training loss is the generator's. Per epoch it
 * reports, as {@link #epochMetrics() step metrics} in the epoch's history ({@code metrics.json}, {@code curves.png}),
 * the mean discriminator loss, generator loss, D(x) and D(G(z)) over the epoch's steps, plus what the {@link Listener}
 * adds (the collapse monitor). The partial sums, the epoch and the iteration count are in checkpoints, so a resumed
 * run reports what the uninterrupted run reports.
 */
public final class GanStep implements StepSelection.MultiNetworkStep {
    public static final String GENERATOR = "generator";
    public static final String DISCRIMINATOR = "discriminator";

    /** The step's own per-epoch metrics, in order. */
    public static final List<String> METRICS = List.of("discriminatorLoss", "generatorLoss", "dReal", "dFake");

    /** Called by the step: after every update (sample grids), and at the end of each epoch (the monitor). */
    public interface Listener {
        /** After update {@code iteration} (1, 2, … over the whole run, resumes included). */
        default void onIteration(long iteration) {}

        /** At the end of epoch {@code epoch} (from 1); the values returned join that epoch's metrics. */
        default Map<String, Double> onEpoch(int epoch) {
            return Map.of();
        }
    }

    private final Gan gan;
    private final Listener listener;
    private long iteration;
    private int epoch;
    private double dLoss;
    private double gLoss;
    private double dReal;
    private double dFake;
    private int steps;

    public GanStep(Gan gan, Listener listener) {
        this.gan = gan;
        this.listener = listener;
    }

    public Gan gan() {
        return gan;
    }

    @Override
    public double fit(MultiDataSet batch) {
        Gan.Step s = gan.step(batch.getFeatures(0));
        dLoss += s.discriminatorLoss();
        gLoss += s.generatorLoss();
        dReal += s.dReal();
        dFake += s.dFake();
        steps++;
        iteration++;
        listener.onIteration(iteration);
        return s.generatorLoss();
    }

    /** D and G∘D each through the fast core where {@code mode} and the network allow ({@link Gan#useSteps}). */
    @Override
    public Map<String, Object> chooseSteps(String mode) {
        return gan.useSteps(mode);
    }

    @Override
    public Map<String, Model> networks() {
        Map<String, Model> m = new LinkedHashMap<>();
        m.put(GENERATOR, gan.stacked());
        m.put(DISCRIMINATOR, gan.discriminator());
        return m;
    }

    @Override
    public void restore(Map<String, Model> networks) {
        gan.restore((MultiLayerNetwork) networks.get(GENERATOR), (MultiLayerNetwork) networks.get(DISCRIMINATOR));
    }

    /**
     * discriminatorLoss, generatorLoss, dReal, dFake (means over the epoch's steps), then the listener's values; the
     * sums start again for the next epoch.
     */
    @Override
    public Map<String, Double> epochMetrics() {
        Map<String, Double> e = new LinkedHashMap<>();
        int n = Math.max(1, steps);
        e.put("discriminatorLoss", dLoss / n);
        e.put("generatorLoss", gLoss / n);
        e.put("dReal", dReal / n);
        e.put("dFake", dFake / n);
        dLoss = 0;
        gLoss = 0;
        dReal = 0;
        dFake = 0;
        steps = 0;
        epoch++;
        e.putAll(listener.onEpoch(epoch));
        return e;
    }

    @Override
    public Map<String, Object> saveState() {
        return Map.of(
                "partial", List.of(dLoss, gLoss, dReal, dFake, (double) steps), "iteration", iteration, "epoch", epoch);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Map<String, Object> state) {
        List<Object> p = (List<Object>) state.getOrDefault("partial", List.of(0.0, 0.0, 0.0, 0.0, 0.0));
        dLoss = ((Number) p.get(0)).doubleValue();
        gLoss = ((Number) p.get(1)).doubleValue();
        dReal = ((Number) p.get(2)).doubleValue();
        dFake = ((Number) p.get(3)).doubleValue();
        steps = ((Number) p.get(4)).intValue();
        iteration = ((Number) state.getOrDefault("iteration", 0)).longValue();
        epoch = ((Number) state.getOrDefault("epoch", 0)).intValue();
    }
}

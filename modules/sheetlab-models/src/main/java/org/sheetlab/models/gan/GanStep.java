package org.sheetlab.models.gan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.train.TrainingStep;

/**
 * {@link Gan}'s alternating step as a harness {@link TrainingStep}: every batch of real images is one
 * discriminator and one generator update, so the GAN gets the harness's seeded batches, progress bar, checkpoints of
 * both networks with their Adam states, and bit-identical resume. The training loss is the generator's. Per epoch it
 * keeps the mean discriminator loss, generator loss, D(x) and D(G(z)) ({@link #history()}), plus what the
 * {@link Listener} adds (the collapse monitor); the history and the iteration count are in checkpoints, so a resumed
 * run's history is the uninterrupted run's.
 */
public final class GanStep implements TrainingStep {
    public static final String GENERATOR = "generator";
    public static final String DISCRIMINATOR = "discriminator";

    /** Called by the step: after every update (sample grids), and at the end of each epoch (the monitor). */
    public interface Listener {
        /** After update {@code iteration} (1, 2, … over the whole run, resumes included). */
        default void onIteration(long iteration) {}

        /** At the end of epoch {@code epoch} (from 1); the entries returned join that epoch's history row. */
        default Map<String, Object> onEpoch(int epoch) {
            return Map.of();
        }
    }

    private final Gan gan;
    private final Listener listener;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private long iteration;
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

    /**
     * Per finished epoch: discriminatorLoss, generatorLoss, dReal, dFake (means over its steps) and the listener's
     * entries (after a resume, as read back from JSON: numbers and lists).
     */
    public List<Map<String, Object>> history() {
        return history;
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

    @Override
    public void endEpoch() {
        Map<String, Object> e = new LinkedHashMap<>();
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
        e.putAll(listener.onEpoch(history.size() + 1));
        history.add(e);
    }

    @Override
    public Map<String, Object> saveState() {
        return Map.of(
                "history",
                history,
                "partial",
                List.of(dLoss, gLoss, dReal, dFake, (double) steps),
                "iteration",
                iteration);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Map<String, Object> state) {
        history.clear();
        for (Object o : (List<Object>) state.getOrDefault("history", List.of())) {
            history.add(new LinkedHashMap<>((Map<String, Object>) o));
        }
        List<Object> p = (List<Object>) state.getOrDefault("partial", List.of(0.0, 0.0, 0.0, 0.0, 0.0));
        dLoss = ((Number) p.get(0)).doubleValue();
        gLoss = ((Number) p.get(1)).doubleValue();
        dReal = ((Number) p.get(2)).doubleValue();
        dFake = ((Number) p.get(3)).doubleValue();
        steps = ((Number) p.get(4)).intValue();
        iteration = ((Number) state.getOrDefault("iteration", 0)).longValue();
    }
}

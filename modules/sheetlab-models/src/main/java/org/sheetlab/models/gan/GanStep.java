package org.sheetlab.models.gan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.train.TrainingStep;

/**
 * {@link DenseGan}'s alternating step as a harness {@link TrainingStep}: every batch of real images is one
 * discriminator and one generator update, so the GAN gets the harness's seeded batches, progress bar, checkpoints of
 * both networks with their Adam states, and bit-identical resume. The training loss is the generator's. Per epoch it
 * keeps the mean discriminator loss, generator loss, D(x) and D(G(z)) ({@link #history()}, also in checkpoints), and
 * calls {@code onEpoch} with the epoch number (sample grids, collapse monitor).
 */
public final class GanStep implements TrainingStep {
    public static final String GENERATOR = "generator";
    public static final String DISCRIMINATOR = "discriminator";

    private final DenseGan gan;
    private final IntConsumer onEpoch;
    private final List<Map<String, Double>> history = new ArrayList<>();
    private double dLoss;
    private double gLoss;
    private double dReal;
    private double dFake;
    private int steps;

    public GanStep(DenseGan gan, IntConsumer onEpoch) {
        this.gan = gan;
        this.onEpoch = onEpoch;
    }

    public DenseGan gan() {
        return gan;
    }

    /** Per finished epoch: discriminatorLoss, generatorLoss, dReal, dFake (means over its steps). */
    public List<Map<String, Double>> history() {
        return history;
    }

    @Override
    public double fit(MultiDataSet batch) {
        DenseGan.Step s = gan.step(batch.getFeatures(0));
        dLoss += s.discriminatorLoss();
        gLoss += s.generatorLoss();
        dReal += s.dReal();
        dFake += s.dFake();
        steps++;
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
        Map<String, Double> e = new LinkedHashMap<>();
        int n = Math.max(1, steps);
        e.put("discriminatorLoss", dLoss / n);
        e.put("generatorLoss", gLoss / n);
        e.put("dReal", dReal / n);
        e.put("dFake", dFake / n);
        history.add(e);
        dLoss = 0;
        gLoss = 0;
        dReal = 0;
        dFake = 0;
        steps = 0;
        onEpoch.accept(history.size());
    }

    @Override
    public Map<String, Object> saveState() {
        return Map.of("history", history, "partial", List.of(dLoss, gLoss, dReal, dFake, (double) steps));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Map<String, Object> state) {
        history.clear();
        for (Object o : (List<Object>) state.getOrDefault("history", List.of())) {
            Map<String, Double> e = new LinkedHashMap<>();
            ((Map<String, Object>) o).forEach((k, v) -> e.put(k, ((Number) v).doubleValue()));
            history.add(e);
        }
        List<Object> p = (List<Object>) state.getOrDefault("partial", List.of(0.0, 0.0, 0.0, 0.0, 0.0));
        dLoss = ((Number) p.get(0)).doubleValue();
        gLoss = ((Number) p.get(1)).doubleValue();
        dReal = ((Number) p.get(2)).doubleValue();
        dFake = ((Number) p.get(3)).doubleValue();
        steps = ((Number) p.get(4)).intValue();
    }
}

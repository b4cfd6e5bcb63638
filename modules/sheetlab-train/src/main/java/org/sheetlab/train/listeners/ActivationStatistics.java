package org.sheetlab.train.listeners;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingState;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.eval.Networks;
import org.sheetlab.train.run.RunDirectory;

/**
 * Sheet, Initialization: the standard deviation of every layer's activations on a fixed probe batch, at
 * initialisation and after every epoch: the quantity that exposes vanishing (std → 0) and exploding (std growing
 * layer by layer) signals. Writes {@code activation-stats.json} ({@code {"layers": [...], "std": {"init": [...],
 * "epoch 1": [...]}}}); on a resumed run the initial row is kept from the file the first process wrote.
 *
 * <p>Shapes: the probe is the network's input batch, e.g. [B, 784]; the std is over all elements of each layer's
 * output [B, …].
 */
public final class ActivationStatistics implements TrainingListener {
    public static final String FILE = "activation-stats.json";
    private final RunDirectory run;
    private final INDArray probe;
    private final Map<String, double[]> rows = new LinkedHashMap<>();

    public ActivationStatistics(RunDirectory run, INDArray probe) {
        this.run = run;
        this.probe = probe;
    }

    /** Std of each layer's output (input excluded) of {@code model} on {@code probe}. */
    public static double[] std(Model model, INDArray probe) {
        List<INDArray> acts = Networks.activations(model, probe);
        double[] std = new double[acts.size() - 1];
        for (int i = 1; i < acts.size(); i++) {
            std[i - 1] = acts.get(i).stdNumber().doubleValue();
        }
        return std;
    }

    /** The rows recorded so far ("init", "epoch 1", …). */
    public Map<String, double[]> rows() {
        return rows;
    }

    @Override
    public void onStart(TrainingStep step, TrainingState state) {
        if (state.isFresh()) {
            rows.put("init", std(step.evaluationModel(), probe));
        } else if (java.nio.file.Files.isRegularFile(run.resolve(FILE))) {
            try {
                Map<?, ?> json = RunDirectory.JSON.readValue(run.resolve(FILE).toFile(), Map.class);
                Map<?, ?> std = (Map<?, ?>) json.get("std");
                std.forEach((k, v) -> rows.put(
                        (String) k,
                        ((List<?>) v)
                                .stream()
                                        .mapToDouble(x -> ((Number) x).doubleValue())
                                        .toArray()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + run.resolve(FILE), e);
            }
        }
        write();
    }

    @Override
    public void onEpochEnd(TrainingStep step, List<EpochMetrics> history) {
        rows.put("epoch " + history.get(history.size() - 1).epoch(), std(step.evaluationModel(), probe));
        write();
    }

    private void write() {
        List<String> layers = new ArrayList<>();
        int n = rows.values().stream().findFirst().map(r -> r.length).orElse(0);
        for (int i = 0; i < n; i++) {
            layers.add("layer " + i);
        }
        run.writeJson(FILE, Map.of("layers", layers, "std", rows));
    }
}

package org.sheetlab.train;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.train.run.RunDirectory;

/**
 * The checkpoint file {@value #FILE}: one zip holding the step's main network with its updater state, in
 * ModelSerializer's format (so {@code ModelSerializer.restoreMultiLayerNetwork("checkpoint.zip")} works on it), every
 * other network as an embedded ModelSerializer zip, and the {@link TrainingState} as JSON. Written to a temporary file
 * in the run folder and moved into place, so a run killed at any moment leaves the previous checkpoint intact.
 */
public final class Checkpoints {
    public static final String FILE = "checkpoint.zip";
    static final String STATE_ENTRY = "sheetlab-training-state.json";
    static final String NETWORK_ENTRY = "sheetlab-network-";

    private Checkpoints() {}

    /** Writes the step's networks and {@code state} atomically. */
    public static void write(RunDirectory run, TrainingStep step, TrainingState state) {
        state.stepState = new LinkedHashMap<>(step.saveState());
        String json;
        try {
            json = RunDirectory.JSON.writeValueAsString(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Map.Entry<String, Model>> networks =
                new ArrayList<>(step.networks().entrySet());
        run.writeFile(FILE, tmp -> {
            File f = tmp.toFile();
            ModelSerializer.writeModel(networks.get(0).getValue(), f, true);
            for (Map.Entry<String, Model> e : networks.subList(1, networks.size())) {
                Path part = Files.createTempFile(tmp.getParent(), ".network", ".tmp");
                try {
                    ModelSerializer.writeModel(e.getValue(), part.toFile(), true);
                    ModelSerializer.addObjectToFile(f, NETWORK_ENTRY + e.getKey(), Files.readAllBytes(part));
                } finally {
                    Files.deleteIfExists(part);
                }
            }
            ModelSerializer.addObjectToFile(f, STATE_ENTRY, json);
        });
    }

    /** True when the run folder holds a checkpoint. */
    public static boolean exists(RunDirectory run) {
        return Files.isRegularFile(run.resolve(FILE));
    }

    /**
     * Restores the networks into {@code step} (each as the class the step holds now) and returns the loop state. A
     * missing, corrupt or unreadable file, or one made with another seed, batch size or batch limit, gives an
     * {@link InvalidSettingException} naming the setting and the fix.
     */
    public static TrainingState restore(RunDirectory run, TrainingStep step, TrainingConfig config) {
        Path file = run.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw InvalidSettingException.mentioning(
                    "resume",
                    true,
                    "{resume}: no checkpoint in %s (expected %s); start a new run without {resume}",
                    run.root(),
                    FILE);
        }
        TrainingState state;
        Map<String, Model> restored = new LinkedHashMap<>();
        try {
            String json = ModelSerializer.getObjectFromFile(file.toFile(), STATE_ENTRY);
            state = RunDirectory.JSON.readValue(json, TrainingState.class);
            boolean first = true;
            for (Map.Entry<String, Model> e : step.networks().entrySet()) {
                boolean graph = e.getValue() instanceof ComputationGraph;
                if (first) {
                    restored.put(e.getKey(), read(file.toFile(), graph));
                    first = false;
                } else {
                    byte[] bytes = ModelSerializer.getObjectFromFile(file.toFile(), NETWORK_ENTRY + e.getKey());
                    Path part = Files.createTempFile(run.root(), ".network", ".tmp");
                    try {
                        Files.write(part, bytes);
                        restored.put(e.getKey(), read(part.toFile(), graph));
                    } finally {
                        Files.deleteIfExists(part);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw InvalidSettingException.mentioning(
                    e,
                    "resume",
                    true,
                    "{resume}: the checkpoint %s is corrupt or unreadable (%s); delete it to start over, or restore "
                            + "it from a backup",
                    file,
                    e.getMessage());
        }
        mustMatch(run, "seed", state.seed, config.seed());
        mustMatch(run, "batchSize", state.batchSize, config.batchSize());
        mustMatch(run, "maxBatches", state.maxBatches, config.maxBatches());
        step.restore(restored);
        step.restoreState(state.stepState);
        return state;
    }

    /** A resumed run continues the checkpoint's batch sequence, so it needs the settings that fixed it. */
    private static void mustMatch(RunDirectory run, String setting, Object saved, Object given) {
        if (!java.util.Objects.equals(saved, given)) {
            throw InvalidSettingException.mentioning(
                    setting,
                    given,
                    "{resume}: the checkpoint in %s was made with {" + setting + "} %s; resume with the same {"
                            + setting + "} (got %s)",
                    run.root(),
                    saved,
                    given);
        }
    }

    private static Model read(File f, boolean graph) throws IOException {
        return graph
                ? ModelSerializer.restoreComputationGraph(f, true)
                : ModelSerializer.restoreMultiLayerNetwork(f, true);
    }
}

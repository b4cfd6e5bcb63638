package org.sheetlab.experiments.train;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.experiments.plot.Curves;
import org.sheetlab.experiments.run.Provenance;
import org.sheetlab.experiments.run.RunDirectory;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every training experiment does around {@link Trainer}: open the run folder, write {@code run.json}, train a
 * network from scratch or from its checkpoint, and leave {@code metrics.json}, {@code curves.png} and
 * {@code model.zip} behind. Experiments that train several networks give each its own sub-folder.
 */
public final class TrainingSession {
    private static final Logger log = LoggerFactory.getLogger(TrainingSession.class);

    private TrainingSession() {}

    /** A trained network, its per-epoch history and its parameter/activation count. */
    public record Outcome(MultiLayerNetwork network, List<EpochMetrics> history, NetworkCount count) {
        public EpochMetrics last() {
            return history.get(history.size() - 1);
        }
    }

    /**
     * The run folder: {@code --output-dir}, or {@code runs/<experiment>/<date-time>}. Validates the options; with
     * {@code --resume} the folder must hold a run.
     */
    public static RunDirectory open(String experiment, TrainingOptions o) {
        o.validate();
        Path out = o.outputDir != null ? o.outputDir : Paths.get("runs", experiment,
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        RunDirectory run = new RunDirectory(out);
        if (o.resume && !java.nio.file.Files.isRegularFile(run.resolve("run.json"))) {
            throw new IllegalArgumentException("--resume: no checkpoint or run in " + run.root()
                    + " (no run.json); start a new run without --resume");
        }
        return run;
    }

    /** Writes {@code run.json}: experiment, status, options, seed, provenance and any extra entries. */
    public static void writeRunJson(RunDirectory run, String experiment, String status, TrainingOptions o,
            Map<String, ?> extra) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", experiment);
        json.put("status", status);
        json.put("options", o);
        json.put("seed", o.seed);
        json.putAll(extra);
        json.put("provenance", Provenance.collect());
        run.writeJson("run.json", json);
    }

    /**
     * Trains {@code conf} in {@code run} (or continues it from its checkpoint with {@code --resume}; a finished
     * network is only reloaded) and writes the sheet's parameter/activation table for {@code inputType}
     * ({@code parameters.txt}, {@code parameters.json}), curves and the model.
     */
    public static Outcome train(RunDirectory run, String title, MultiLayerConfiguration conf, InputType inputType,
            TrainingOptions o, ShuffledArrayIterator train, ShuffledArrayIterator test) {
        NetworkCount count = NetworkCounter.count(conf, inputType);
        run.writeText("parameters.txt", count.toTable(o.batchSize));
        run.writeJson("parameters.json", count);
        Trainer trainer = new Trainer(run, o).onEpoch(h -> Curves.write(run, title, h));
        MultiLayerNetwork net;
        TrainingState state;
        if (o.resume && trainer.hasCheckpoint()) {
            Trainer.Restored restored = trainer.restore();
            net = restored.network();
            state = restored.state();
            log.info("resuming {} at epoch {}, batch {}", run.root(), state.epoch + 1, state.batch);
        } else if (trainer.hasCheckpoint()) {
            throw new IllegalArgumentException("run folder " + run.root() + " already holds a run (" + Trainer.CHECKPOINT
                    + "); pass --resume to continue it or choose another --output-dir");
        } else { // a new run, or a network of a resumed run that had not started yet
            net = new MultiLayerNetwork(conf);
            net.init();
            state = trainer.freshState();
        }
        List<EpochMetrics> history = trainer.fit(net, state, train, test);
        Curves.write(run, title, history);
        run.writeFile("model.zip", f -> ModelSerializer.writeModel(net, f.toFile(), true));
        return new Outcome(net, history, count);
    }
}

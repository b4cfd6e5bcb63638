package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.linalg.dataset.DataSet;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import picocli.CommandLine.Option;

/**
 * A training-throughput benchmark: samples/s of a training step over full-size shuffled Fashion-MNIST batches, timed
 * after untimed warm-up batches, against the same network in PyTorch ({@code bench/<peer>.py}, which takes the same
 * {@code --batch-size}, {@code --batches} and {@code --warmup}).
 */
abstract class TrainingBench extends Bench {
    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    TrainingBench(int batchSize, int batches, int warmup) {
        super(batches, warmup);
        this.batchSize = batchSize;
    }

    /** The setting the sheetlab side and the peer share: batch size, timed and warm-up batches. */
    List<Object> setting() {
        return List.of("--batch-size", batchSize, "--batches", batches, "--warmup", warmup);
    }

    /**
     * The rounds of a training benchmark: per round, sheetlab's measurement ({@code sheetlab[-key]-<r>.json}, the
     * setting plus {@code sheetlabArgs}), {@link #alsoMeasure}, and the peer {@code bench/<script>} at both thread
     * settings (the setting, the Fashion-MNIST folder, plus {@code peerArgs}).
     */
    void rounds(String key, String script, List<Object> sheetlabArgs, List<Object> peerArgs)
            throws IOException, InterruptedException {
        List<Object> peer = new ArrayList<>(setting());
        peer.addAll(List.of("--data-dir", dataDir()));
        peer.addAll(peerArgs);
        for (int r = 1; r <= rounds; r++) {
            List<Object> ours = new ArrayList<>(setting());
            ours.addAll(sheetlabArgs);
            sheetlab(file("sheetlab", key, r), ours.toArray());
            alsoMeasure(key, r);
            peers(key, r, script, peer.toArray());
        }
    }

    /** sheetlab's measurements beside the main one in round {@code r} (e.g. DL4J's own layer); none by default. */
    void alsoMeasure(String key, int r) throws IOException, InterruptedException {}

    /** Samples/s of {@code train} over {@code batches} full-size batches after {@code warmup} untimed ones. */
    Map<String, Object> timeTraining(String label, Consumer<DataSet> train, ShuffledArrayIterator it) {
        for (int i = 0; i < warmup; i++) {
            train.accept(nextBatch(it));
        }
        long samples = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            DataSet ds = nextBatch(it);
            train.accept(ds);
            samples += ds.numExamples();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batchSize", it.batch());
        r.put("batches", batches);
        r.put("seconds", seconds);
        r.put("samplesPerSecond", samples / seconds);
        System.err.printf(
                Locale.ROOT,
                "%s: %.0f samples/s (batch %d, %d batches, %.2f s)%n",
                label,
                samples / seconds,
                it.batch(),
                batches,
                seconds);
        return r;
    }

    /** The next full-size batch, starting a new epoch when the current one has none left. */
    static DataSet nextBatch(ShuffledArrayIterator it) {
        if (!it.hasNext()) {
            it.reset();
        }
        DataSet ds = it.next();
        if (ds.numExamples() < it.batch()) { // keep every timed batch full-size, as the peer does
            it.reset();
            ds = it.next();
        }
        return ds;
    }
}

package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.nd4j.linalg.activations.Activation;
import org.sheetlab.layers.recurrent.FastLSTM;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab bench lstm}: training samples/s of LSTM(28 → 128) over Fashion-MNIST rows with {@code FastLSTM}
 * (and beside it, 30 batches with DL4J's LSTM) against PyTorch's nn.LSTM.
 */
@Command(
        name = "lstm",
        mixinStandardHelpOptions = true,
        description = "LSTM(28->128) over Fashion-MNIST rows, training samples/s: FastLSTM and DL4J's LSTM vs PyTorch.")
final class LstmBench extends RowRnnBench {
    @Option(
            names = "--lstm",
            description = "With --measure: fast (FastLSTM) or dl4j (DL4J's LSTM) (default: ${DEFAULT-VALUE}).")
    String impl = "fast";

    @Override
    String cell() {
        return "lstm";
    }

    /** DL4J's LSTM in the same network, 30 batches. */
    @Override
    void alsoMeasure(String key, int r) throws IOException, InterruptedException {
        sheetlab(file("dl4j", "", r), "--lstm", "dl4j", "--batch-size", batchSize, "--batches", 30, "--warmup", 5);
    }

    @Override
    Map<String, Object> measure() {
        if (!impl.equals("fast") && !impl.equals("dl4j")) {
            throw new IllegalArgumentException("--lstm must be fast or dl4j, got " + impl);
        }
        LSTM.Builder cell = impl.equals("fast") ? new FastLSTM.Builder() : new LSTM.Builder();
        Map<String, Object> r = measure(
                cell.nOut(128).activation(Activation.TANH).build(),
                "sheetlab " + (impl.equals("fast") ? "FastLSTM" : "DL4J LSTM") + "(28->128) + LastTimeStep + softmax");
        r.put("lstm", impl);
        return r;
    }
}

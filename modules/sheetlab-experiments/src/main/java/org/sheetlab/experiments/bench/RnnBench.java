package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import picocli.CommandLine.Command;

/**
 * {@code sheetlab bench rnn}: the sequence models' training benchmarks in one command, {@code lstm} then {@code gru},
 * each recorded as on its own; the ratio is the worse of the two.
 */
@Command(
        name = "rnn",
        mixinStandardHelpOptions = true,
        description = "The lstm and gru benchmarks in one command; the ratio is the worse of the two.")
final class RnnBench extends Bench {
    RnnBench() {
        super(100, 200); // the parts' own counts (RowRnnBench: 200 warm-up batches for the JIT)
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        double lstm = part(new LstmBench()).compare().orElseThrow();
        double gru = part(new GruBench()).compare().orElseThrow();
        System.out.printf(Locale.ROOT, "lstm %.2f, gru %.2f%n", lstm, gru);
        return OptionalDouble.of(Math.min(lstm, gru));
    }

    @Override
    Map<String, Object> measure() {
        throw new IllegalArgumentException("bench rnn has no --measure of its own: use bench lstm or bench gru");
    }
}

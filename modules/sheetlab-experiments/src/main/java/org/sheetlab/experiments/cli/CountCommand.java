package org.sheetlab.experiments.cli;

import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.sheetlab.models.ModelCatalog;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sheetlab count final-q5 --input 400}: the sheet's per-layer parameter and activation table. */
@Command(name = "count", mixinStandardHelpOptions = true,
        description = "Print a network's per-layer parameters and activations (sheet: Parameter & Activation Counting).")
public final class CountCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model name, one of: ${COMPLETION-CANDIDATES}.",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--input", description = "Number of input features n_in (default: ${DEFAULT-VALUE}).")
    int input = 400;

    @Option(names = "--batch-size", description = "Batch size for the activations-per-batch column "
            + "(default: ${DEFAULT-VALUE}).")
    long batchSize = 1;

    @Override
    public Integer call() {
        if (input < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--input and --batch-size must be >= 1");
        }
        NetworkCount count = NetworkCounter.count(ModelCatalog.build(model, input), InputType.feedForward(input));
        System.out.print(count.toTable(batchSize));
        return 0;
    }

    /** The catalog's model names, for picocli's help and completion. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ModelCatalog.names().iterator();
        }
    }
}

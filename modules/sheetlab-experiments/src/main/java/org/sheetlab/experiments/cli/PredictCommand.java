package org.sheetlab.experiments.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.train.predict.FeatureRows;
import org.sheetlab.train.predict.PredictionWriter;
import org.sheetlab.train.predict.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab predict --model run/model.zip --input rows.csv [--output out.csv|out.json]}: batch prediction with a
 * saved model through DL4J's ParallelInference ({@link Predictor}); see {@link FeatureRows} for the input and
 * {@link PredictionWriter} for the output.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Predict with a saved model (a run folder's model.zip) on CSV feature rows, through DL4J's "
                + "ParallelInference; writes the class and probabilities (softmax models) or the raw outputs.")
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A model.zip written by ModelSerializer (run folders).")
    Path model;

    @Option(
            names = "--input",
            required = true,
            description = "A CSV of feature rows (one example per line, numbers only; a header line is skipped), "
                    + "or a folder: every .csv in it, in name order.")
    Path input;

    @Option(names = "--output", description = "Write to this .csv or .json file (default: CSV on standard output).")
    Path output;

    @Option(names = "--batch-size", description = "Rows per inference call (default: ${DEFAULT-VALUE}).")
    int batchSize = 256;

    @Option(
            names = "--workers",
            description = "ParallelInference workers: model replicas fed from as many threads "
                    + "(default: ${DEFAULT-VALUE}).")
    int workers = 2;

    @Override
    public Integer call() throws IOException {
        InvalidSettingException.require(batchSize >= 1, null, "batchSize", batchSize, ">= 1");
        InvalidSettingException.require(workers >= 1, null, "workers", workers, ">= 1");
        String format = output == null
                ? "csv"
                : PredictionWriter.formatOf(output.getFileName().toString());
        if (format == null) {
            throw InvalidSettingException.mentioning(
                    "output", output, "{output} %s: name a .csv or a .json file", output);
        }
        Predictor predictor = Predictor.load(model);
        FeatureRows rows = FeatureRows.read(input);
        INDArray predictions = predictor.predict(rows, input, batchSize, workers);
        boolean classifier = predictor.isClassifier();
        if (output == null) {
            Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
            PredictionWriter.writeCsv(out, predictions, rows, classifier);
            out.flush();
            return 0;
        }
        Path parent = output.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(output)) {
                if (format.equals("json")) {
                    PredictionWriter.writeJson(out, predictions, rows, classifier, model.toString(), input.toString());
                } else {
                    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    PredictionWriter.writeCsv(w, predictions, rows, classifier);
                    w.flush();
                }
            }
        } catch (IOException e) {
            throw InvalidSettingException.mentioning(
                    e, "output", output, "{output} %s cannot be written (%s)", output, e.getMessage());
        }
        System.err.printf(
                java.util.Locale.ROOT,
                "predict: %d rows → %s (%s)%n",
                rows.size(),
                output,
                format.toUpperCase(java.util.Locale.ROOT));
        return 0;
    }
}

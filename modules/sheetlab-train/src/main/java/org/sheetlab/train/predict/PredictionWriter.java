package org.sheetlab.train.predict;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes predictions, one record per input row in input order, as CSV or JSON. A classifier (softmax output) gets its
 * predicted class (the arg max, the lowest index on ties) and its probability vector; any other model its raw output
 * vector. Numbers are written in Java's shortest round-trip form ({@link Float#toString} for a FLOAT model,
 * {@link Double#toString} for DOUBLE), so that parsing them back gives the model's output bit for bit.
 *
 * <ul>
 *   <li>CSV: header {@code row,source,predicted,p0,…,p(K-1)} (classifier) or {@code row,source,y0,…,y(K-1)}; {@code
 *       row} counts from 0, {@code source} is {@code file:line}.
 *   <li>JSON: {@code {"model": …, "input": …, "kind": "classifier"|"raw", "outputs": K, "predictions": [{"row": 0,
 *       "source": "a.csv:2", "predicted": 3, "probabilities": [...]}, …]}} ({@code "output"} instead of {@code
 *       "predicted"} and {@code "probabilities"} for raw outputs).
 * </ul>
 */
public final class PredictionWriter {
    private PredictionWriter() {}

    /** The output format of a file name: {@code json} for {@code .json}, {@code csv} for {@code .csv}, else null. */
    public static String formatOf(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".json") ? "json" : lower.endsWith(".csv") ? "csv" : null;
    }

    /** The predicted class of row {@code i}: the index of the largest output (the lowest one on ties). */
    public static int argMax(INDArray output, int i) {
        int best = 0;
        for (int k = 1; k < output.size(1); k++) {
            if (output.getDouble(i, k) > output.getDouble(i, best)) {
                best = k;
            }
        }
        return best;
    }

    private static String number(INDArray output, int i, int k) {
        return output.dataType() == DataType.DOUBLE
                ? Double.toString(output.getDouble(i, k))
                : Float.toString(output.getFloat(i, k));
    }

    /** Writes {@code output} ({@code [N, K]}) for {@code rows} as CSV. */
    public static void writeCsv(Writer to, INDArray output, FeatureRows rows, boolean classifier) {
        PrintWriter out = new PrintWriter(to);
        StringBuilder header = new StringBuilder("row,source");
        if (classifier) {
            header.append(",predicted");
        }
        for (int k = 0; k < output.size(1); k++) {
            header.append(classifier ? ",p" : ",y").append(k);
        }
        out.println(header);
        for (int i = 0; i < output.size(0); i++) {
            StringBuilder line = new StringBuilder()
                    .append(i)
                    .append(',')
                    .append(csvField(rows.sources().get(i)));
            if (classifier) {
                line.append(',').append(argMax(output, i));
            }
            for (int k = 0; k < output.size(1); k++) {
                line.append(',').append(number(output, i, k));
            }
            out.println(line);
        }
        out.flush();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** Writes {@code output} ({@code [N, K]}) for {@code rows} as JSON, naming the model and input files. */
    public static void writeJson(
            OutputStream to, INDArray output, FeatureRows rows, boolean classifier, String model, String input)
            throws IOException {
        try (JsonGenerator g = new JsonFactory()
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .createGenerator(to, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("input", input);
            g.writeStringField("kind", classifier ? "classifier" : "raw");
            g.writeNumberField("outputs", output.size(1));
            g.writeArrayFieldStart("predictions");
            for (int i = 0; i < output.size(0); i++) {
                g.writeStartObject();
                g.writeNumberField("row", i);
                g.writeStringField("source", rows.sources().get(i));
                if (classifier) {
                    g.writeNumberField("predicted", argMax(output, i));
                }
                g.writeArrayFieldStart(classifier ? "probabilities" : "output");
                for (int k = 0; k < output.size(1); k++) {
                    g.writeNumber(number(output, i, k)); // the round-trip text, written as a JSON number
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}

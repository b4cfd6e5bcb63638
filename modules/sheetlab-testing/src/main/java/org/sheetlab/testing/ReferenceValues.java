package org.sheetlab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reference values committed beside the script that produced them from an independent implementation. A test reads
 * the JSON from its class path; no Python runs at test time.
 *
 * <p>Format: an object whose {@code cases} array holds objects; each array-valued field is a nested JSON array of
 * numbers, read back in DOUBLE with its nesting as the shape. JSON has no non-finite numbers, so a script writes them
 * as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} (in Python, map each float {@code v} to
 * {@code "NaN" if v != v else "Infinity" if v == inf else "-Infinity" if v == -inf else v} and dump with
 * {@code allow_nan=False}, which refuses any that were missed); any
 * other non-number (null, another string, a boolean, an object, a missing field) or a ragged nesting fails loudly
 * rather than reading as 0.0.
 */
public final class ReferenceValues {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final JsonNode root;

    private ReferenceValues(JsonNode root) {
        this.root = root;
    }

    /** Loads a reference file from the class path, e.g. {@code "/reference/losses.json"}. */
    public static ReferenceValues load(String resource) {
        try (InputStream in = ReferenceValues.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("reference file " + resource + " is not on the test class path");
            }
            return new ReferenceValues(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode root() {
        return root;
    }

    public List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        root.get("cases").forEach(out::add);
        return out;
    }

    /**
     * A nested JSON array of numbers (or one number) as a DOUBLE INDArray with the nesting as its shape.
     *
     * @throws IllegalArgumentException for a missing field, a non-number element other than the strings
     *     {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, or a ragged nesting; the message names the path
     */
    public static INDArray array(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new IllegalArgumentException("reference field is missing (null node): check the field name");
        }
        List<Long> shape = new ArrayList<>();
        JsonNode cursor = node;
        while (cursor.isArray() && cursor.size() > 0) {
            shape.add((long) cursor.size());
            cursor = cursor.get(0);
        }
        if (cursor.isArray()) {
            shape.add(0L);
        }
        List<Double> flat = new ArrayList<>();
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        flatten(node, dims, 0, "$", flat);
        double[] data = flat.stream().mapToDouble(Double::doubleValue).toArray();
        return Nd4j.create(data, dims, DataType.DOUBLE);
    }

    private static void flatten(JsonNode node, long[] dims, int depth, String path, List<Double> out) {
        if (depth < dims.length) {
            if (!node.isArray() || node.size() != dims[depth]) {
                throw new IllegalArgumentException("reference array is ragged at " + path + ": expected an array of "
                        + dims[depth] + " elements (the first element's shape), found " + describe(node));
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(node.get(i), dims, depth + 1, path + "[" + i + "]", out);
            }
        } else {
            out.add(number(node, path));
        }
    }

    /** One element: a JSON number, or a non-finite value written as a string; anything else fails. */
    static double number(JsonNode node, String path) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("reference value at " + path + " is not a number: " + describe(node)
                + " (non-finite values are written as the strings \"NaN\", \"Infinity\", \"-Infinity\")");
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                + (text.length() > 60 ? text.substring(0, 60) + "…" : text);
    }
}

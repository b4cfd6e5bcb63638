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
 * numbers, read back in DOUBLE with its nesting as the shape.
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

    /** A nested JSON array of numbers as a DOUBLE INDArray with the nesting as its shape. */
    public static INDArray array(JsonNode node) {
        List<Long> shape = new ArrayList<>();
        JsonNode cursor = node;
        while (cursor.isArray()) {
            shape.add((long) cursor.size());
            cursor = cursor.get(0);
        }
        List<Double> flat = new ArrayList<>();
        flatten(node, flat);
        double[] data = flat.stream().mapToDouble(Double::doubleValue).toArray();
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        return Nd4j.create(data, dims, DataType.DOUBLE);
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, out));
        } else {
            out.add(node.asDouble());
        }
    }
}

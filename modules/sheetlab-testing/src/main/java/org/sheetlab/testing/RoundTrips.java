package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The two round trips every custom layer and network must survive: the configuration through JSON (equal
 * configuration, and the same JSON when written again), and the whole network through {@link ModelSerializer} with
 * its updater (identical configuration, parameters bit for bit, updater state, and outputs on the given input).
 */
public final class RoundTrips {
    private RoundTrips() {}

    /** Both round trips; returns the restored network for further checks. */
    public static MultiLayerNetwork assertRoundTrips(MultiLayerNetwork net, INDArray input) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        String json = conf.toJson();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertThat(back).as("configuration after a JSON round trip").isEqualTo(conf);
        assertThat(back.toJson()).as("JSON written again").isEqualTo(json);

        MultiLayerNetwork restored;
        File f = tempFile();
        try {
            ModelSerializer.writeModel(net, f, true);
            restored = ModelSerializer.restoreMultiLayerNetwork(f, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            f.delete();
        }
        assertThat(restored.getLayerWiseConfigurations())
                .as("restored configuration")
                .isEqualTo(conf);
        assertSameArray("parameters", restored.params(), net.params());
        assertSameArray(
                "updater state",
                restored.getUpdater().getStateViewArray(),
                net.getUpdater().getStateViewArray());
        assertSameArray("output", restored.output(input), net.output(input));
        return restored;
    }

    /** Both round trips; returns the restored graph for further checks. */
    public static ComputationGraph assertRoundTrips(ComputationGraph net, INDArray... inputs) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        String json = conf.toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertThat(back).as("configuration after a JSON round trip").isEqualTo(conf);
        assertThat(back.toJson()).as("JSON written again").isEqualTo(json);

        ComputationGraph restored;
        File f = tempFile();
        try {
            ModelSerializer.writeModel(net, f, true);
            restored = ModelSerializer.restoreComputationGraph(f, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            f.delete();
        }
        assertThat(restored.getConfiguration()).as("restored configuration").isEqualTo(conf);
        assertSameArray("parameters", restored.params(), net.params());
        assertSameArray(
                "updater state",
                restored.getUpdater().getStateViewArray(),
                net.getUpdater().getStateViewArray());
        INDArray[] expected = net.output(inputs);
        INDArray[] actual = restored.output(inputs);
        assertThat(actual).as("number of outputs").hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertSameArray("output " + i, actual[i], expected[i]);
        }
        return restored;
    }

    /** Same data type, shape and values, bit for bit; both null (no updater state) also counts as the same. */
    private static void assertSameArray(String what, INDArray actual, INDArray expected) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
            return;
        }
        assertThat(actual).as(what).isNotNull();
        assertThat(actual.dataType()).as(what + " data type").isEqualTo(expected.dataType());
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        assertThat(actual.dup('c').data().asDouble())
                .as(what)
                .isEqualTo(expected.dup('c').data().asDouble());
    }

    private static File tempFile() {
        try {
            return Files.createTempFile("sheetlab-roundtrip", ".zip").toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.sheetlab.train.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.settings.InvalidSettingException;

/**
 * Prediction through ParallelInference equals the model's own {@code output()} bit for bit (chunk by chunk, the
 * shapes the model sees), the written CSV and JSON parse back to the same numbers, and bad models and inputs are
 * refused with one-line messages.
 */
class PredictorTest {
    @TempDir
    Path tmp;

    private static MultiLayerNetwork classifier() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(11)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(7)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph regression() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(12)
                .graphBuilder()
                .addInputs("x")
                .addLayer(
                        "h",
                        new DenseLayer.Builder()
                                .nOut(5)
                                .activation(Activation.RELU)
                                .build(),
                        "x")
                .addLayer(
                        "y",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .nOut(2)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "h")
                .setOutputs("y")
                .setInputTypes(InputType.feedForward(4))
                .build());
        g.init();
        return g;
    }

    private Path save(org.deeplearning4j.nn.api.Model m, String name) throws Exception {
        Path f = tmp.resolve(name);
        ModelSerializer.writeModel(m, f.toFile(), true);
        return f;
    }

    /** {@code n} rows of {@code width} random values, with a header line. */
    private Path csv(String name, int n, int width) throws Exception {
        Random r = new Random(n * 31L + width);
        List<String> lines = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (int c = 0; c < width; c++) {
            header.add("f" + c);
        }
        lines.add(String.join(",", header));
        for (int i = 0; i < n; i++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < width; c++) {
                row.add(String.format(Locale.ROOT, "%.4f", r.nextGaussian()));
            }
            lines.add(String.join(",", row));
        }
        Path f = tmp.resolve(name);
        Files.write(f, lines);
        return f;
    }

    /** The model's own output on the same chunks the predictor feeds it. */
    private static INDArray ownOutput(Predictor p, FeatureRows rows, int batchSize) {
        List<INDArray> parts = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += batchSize) {
            INDArray x = rows.toArray(from, Math.min(rows.size(), from + batchSize), p.dataType());
            parts.add(
                    p.model() instanceof MultiLayerNetwork net
                            ? net.output(x)
                            : ((ComputationGraph) p.model()).outputSingle(x));
        }
        return Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }

    @Test
    void predictionsEqualTheModelsOwnOutputBitForBit() throws Exception {
        Path model = save(classifier(), "model.zip");
        Path input = csv("rows.csv", 23, 4);
        Predictor p = Predictor.load(model);
        FeatureRows rows = FeatureRows.read(input);
        assertThat(rows.size()).isEqualTo(23); // the header is skipped
        assertThat(p.inputWidth()).isEqualTo(4);
        assertThat(p.isClassifier()).isTrue();
        // one chunk: the whole input, as output() on all rows
        assertBitIdentical(p.predict(rows, input, 64, 1), ownOutput(p, rows, 64));
        // chunks of 5 over 3 workers, answered out of order, put back in row order
        assertBitIdentical(p.predict(rows, input, 5, 3), ownOutput(p, rows, 5));
    }

    @Test
    void aGraphWithRawOutputsPredictsToo() throws Exception {
        Path model = save(regression(), "graph.zip");
        Path input = csv("rows.csv", 9, 4);
        Predictor p = Predictor.load(model);
        FeatureRows rows = FeatureRows.read(input);
        assertThat(p.isClassifier()).isFalse();
        assertBitIdentical(p.predict(rows, input, 4, 2), ownOutput(p, rows, 4));
    }

    @Test
    void theWrittenCsvAndJsonParseBackToTheSameNumbers() throws Exception {
        Path model = save(classifier(), "model.zip");
        Path input = csv("rows.csv", 6, 4);
        Predictor p = Predictor.load(model);
        FeatureRows rows = FeatureRows.read(input);
        INDArray out = p.predict(rows, input, 4, 2);

        StringWriter csv = new StringWriter();
        PredictionWriter.writeCsv(csv, out, rows, true);
        List<String> lines = csv.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("row,source,predicted,p0,p1,p2");
        assertThat(lines).hasSize(7);
        for (int i = 0; i < 6; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertThat(f[0]).isEqualTo(Integer.toString(i));
            assertThat(f[1]).isEqualTo("rows.csv:" + (i + 2));
            assertThat(Integer.parseInt(f[2])).isEqualTo(PredictionWriter.argMax(out, i));
            for (int k = 0; k < 3; k++) {
                assertThat(Float.floatToIntBits(Float.parseFloat(f[3 + k])))
                        .isEqualTo(Float.floatToIntBits(out.getFloat(i, k)));
            }
        }

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        PredictionWriter.writeJson(json, out, rows, true, model.toString(), input.toString());
        JsonNode root = new ObjectMapper().readTree(json.toByteArray());
        assertThat(root.get("kind").asText()).isEqualTo("classifier");
        assertThat(root.get("predictions")).hasSize(6);
        JsonNode third = root.get("predictions").get(2);
        assertThat(third.get("source").asText()).isEqualTo("rows.csv:4");
        assertThat(third.get("predicted").asInt()).isEqualTo(PredictionWriter.argMax(out, 2));
        for (int k = 0; k < 3; k++) {
            assertThat(Float.floatToIntBits(
                            Float.parseFloat(third.get("probabilities").get(k).asText())))
                    .isEqualTo(Float.floatToIntBits(out.getFloat(2, k)));
        }
    }

    @Test
    void aFolderReadsEveryCsvInNameOrder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        Files.write(dir.resolve("b.csv"), List.of("5,6", "7,8"));
        Files.write(dir.resolve("a.csv"), List.of("1,2"));
        Files.write(dir.resolve("notes.txt"), List.of("not rows"));
        FeatureRows rows = FeatureRows.read(dir);
        assertThat(rows.sources()).containsExactly("a.csv:1", "b.csv:1", "b.csv:2");
        assertThat(rows.values()[2]).containsExactly(7, 8);
    }

    private static String oneLine(Throwable e) {
        assertThat(e).isInstanceOf(InvalidSettingException.class);
        assertThat(e.getMessage()).doesNotContain("\n");
        return e.getMessage();
    }

    @Test
    void aZipOfRandomBytesATruncatedModelAndAForeignZipAreRefused() throws Exception {
        byte[] random = new byte[4096];
        new Random(1).nextBytes(random);
        Path noise = Files.write(tmp.resolve("noise.zip"), random);
        assertThat(oneLine(catchThrowable(() -> Predictor.load(noise))))
                .contains("noise.zip is not a usable DL4J model zip: not a readable zip");

        byte[] whole = Files.readAllBytes(save(classifier(), "model.zip"));
        Path cut = Files.write(tmp.resolve("cut.zip"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThat(oneLine(catchThrowable(() -> Predictor.load(cut))))
                .contains("cut.zip is not a usable DL4J model zip: not a readable zip: truncated");

        Path foreign = tmp.resolve("foreign.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        assertThat(oneLine(catchThrowable(() -> Predictor.load(foreign))))
                .contains("foreign.zip is a zip but not a DL4J model");

        Path garbled = tmp.resolve("garbled.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(garbled))) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write("{\"confs\": 3}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("coefficients.bin"));
            z.write(random, 0, 100);
            z.closeEntry();
        }
        assertThat(oneLine(catchThrowable(() -> Predictor.load(garbled))))
                .contains("garbled.zip is not a usable DL4J model zip: ModelSerializer cannot restore it");

        assertThat(oneLine(catchThrowable(() -> Predictor.load(tmp.resolve("missing.zip")))))
                .contains("missing.zip: no such file");
    }

    @Test
    void aFeatureCountOtherThanTheModelsInputIsNamedWithBothNumbers() throws Exception {
        Predictor p = Predictor.load(save(classifier(), "model.zip"));
        Path input = csv("wide.csv", 3, 5);
        assertThat(oneLine(catchThrowable(() -> p.predict(FeatureRows.read(input), input, 8, 1))))
                .contains("wide.csv has 5 features per row, but the model takes 4 inputs");
    }

    @Test
    void raggedAndNonNumericRowsAreRefusedWithTheirLine() throws Exception {
        Path ragged = Files.write(tmp.resolve("ragged.csv"), List.of("1,2,3", "4,5"));
        assertThat(oneLine(catchThrowable(() -> FeatureRows.read(ragged))))
                .contains("ragged.csv line 2 has 2 values, but ragged.csv:1 has 3");
        Path text = Files.write(tmp.resolve("text.csv"), List.of("a,b", "1,2", "3,x"));
        assertThat(oneLine(catchThrowable(() -> FeatureRows.read(text))))
                .contains("text.csv line 3, column 2: 'x' is not a number");
    }

    @Test
    void anImageModelIsRefusedForFeatureRows() throws Exception {
        MultiLayerNetwork cnn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build());
        cnn.init();
        Predictor p = Predictor.load(save(cnn, "cnn.zip"));
        assertThat(oneLine(catchThrowable(p::inputWidth)))
                .contains("takes image input (its first layer is a ConvolutionLayer)");
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowable(call);
    }
}

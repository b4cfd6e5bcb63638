package org.sheetlab.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import picocli.CommandLine;

/**
 * {@code sheetlab predict} end to end in this JVM: JSON and CSV output for a saved model, and bad models, bad inputs
 * and the data-parallel options' limits as one line with exit code 2.
 */
class PredictCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = SheetlabCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out);
        PrintWriter errWriter = new PrintWriter(err);
        cli.setOut(outWriter);
        cli.setErr(errWriter);
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true));
        try {
            int code = cli.execute(args);
            outWriter.flush();
            errWriter.flush();
            return new Run(code, out + captured.toString(), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    private static String oneLineError(Run r) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> !l.isBlank())).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("at org.");
        return r.err().strip();
    }

    private Path model() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(5)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(3))
                .build());
        net.init();
        Path f = tmp.resolve("model.zip");
        ModelSerializer.writeModel(net, f.toFile(), false);
        return f;
    }

    @Test
    void predictWritesJsonAndCsvWithTheModelsOutput() throws Exception {
        Path model = model();
        Path input = Files.write(tmp.resolve("rows.csv"), List.of("a,b,c", "0.5,-1,2", "1,1,1", "-3,0.25,0"));
        Path json = tmp.resolve("out/predictions.json");
        Run r = run("predict", "--model", model.toString(), "--input", input.toString(), "--output", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("predictions")).hasSize(3);
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model.toFile());
        float expected =
                net.output(Nd4j.createFromArray(new float[][] {{1, 1, 1}})).getFloat(0, 1);
        float written = Float.parseFloat(
                root.get("predictions").get(1).get("probabilities").get(1).asText());
        // one row alone vs inside a batch of three: a dense layer's row does not depend on the other rows here
        assertThat(written).isEqualTo(expected);

        Run csv = run("predict", "--model", model.toString(), "--input", input.toString());
        assertThat(csv.code()).as(csv.err()).isZero();
        assertThat(csv.out().lines().toList()).hasSize(4).first().isEqualTo("row,source,predicted,p0,p1");
    }

    @Test
    void badModelsAndInputsAreOneLineWithExitCode2() throws Exception {
        Path model = model();
        Path input = Files.write(tmp.resolve("rows.csv"), List.of("1,2,3,4"));
        assertThat(oneLineError(run("predict", "--model", model.toString(), "--input", input.toString())))
                .isEqualTo("predict: --input " + input + " has 4 features per row, but the model takes 3 inputs; "
                        + "give rows of 3 numbers");
        Path noise = Files.write(tmp.resolve("noise.zip"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThat(oneLineError(run("predict", "--model", noise.toString(), "--input", input.toString())))
                .startsWith("predict: --model " + noise + " is not a usable DL4J model zip");
        byte[] whole = Files.readAllBytes(model);
        Path cut = Files.write(tmp.resolve("cut.zip"), java.util.Arrays.copyOf(whole, whole.length - 200));
        assertThat(oneLineError(run("predict", "--model", cut.toString(), "--input", input.toString())))
                .startsWith("predict: --model " + cut + " is not a usable DL4J model zip");
        assertThat(oneLineError(
                        run("predict", "--model", model.toString(), "--input", input.toString(), "--output", "x.txt")))
                .isEqualTo("predict: --output x.txt: name a .csv or a .json file");
    }

    @Test
    void dataParallelOptionsOutOfRangeAreRefusedBeforeTraining() {
        assertThat(oneLineError(run(
                        "final-q5",
                        "--workers",
                        "2",
                        "--step",
                        "fast",
                        "--output-dir",
                        tmp.resolve("a").toString())))
                .contains("--step fast")
                .contains("--step fit");
        assertThat(oneLineError(run(
                        "final-q5",
                        "--averaging-frequency",
                        "2",
                        "--output-dir",
                        tmp.resolve("b").toString())))
                .isEqualTo("final-q5: --averaging-frequency applies to data-parallel training only; add --workers N "
                        + "(N >= 2)");
        assertThat(oneLineError(run(
                        "final-q5",
                        "--workers",
                        "4",
                        "--averaging-frequency",
                        "2",
                        "--batch-size",
                        "6",
                        "--output-dir",
                        tmp.resolve("c").toString())))
                .isEqualTo("final-q5: --workers 4 × --averaging-frequency 2 shards do not fit a batch of "
                        + "--batch-size 6; raise --batch-size or lower --workers");
        assertThat(oneLineError(run(
                        "final-q5",
                        "--workers",
                        "0",
                        "--output-dir",
                        tmp.resolve("d").toString())))
                .isEqualTo("final-q5: --workers must be >= 1 (1: no wrapper), got 0");
    }
}

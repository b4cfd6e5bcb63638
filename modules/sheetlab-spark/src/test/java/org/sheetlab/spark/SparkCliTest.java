package org.sheetlab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.cli.SheetlabCli;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine;

/**
 * {@code --spark local[2]} from the command line, with the Spark provider on the class path (as in
 * sheetlab-spark.jar): final-q5 and the pooling CNN train through the Spark loop and record it in run.json; what
 * cannot be distributed is refused with one line and exit code 2.
 */
class SparkCliTest {
    @TempDir
    Path tmp;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
        CommandLine cli = SheetlabCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void finalQ5TrainsOnLocal2AndRecordsTheMasterInRunJson() throws Exception {
        Path out = tmp.resolve("q5");
        Run r = run(
                "final-q5",
                "--spark",
                "local[2]",
                "--spark-averaging-frequency",
                "2",
                "--epochs",
                "2",
                "--max-batches",
                "12",
                "--checkpoint-every",
                "8",
                "--quiet",
                "--output-dir",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.at("/spark/master").asText()).isEqualTo("local[2]");
        assertThat(json.at("/spark/trainingMaster").asText()).isEqualTo("ParameterAveragingTrainingMaster");
        assertThat(json.at("/spark/averagingFrequency").asInt()).isEqualTo(2);
        assertThat(json.at("/options/spark/master").asText()).isEqualTo("local[2]");
        assertThat(json.get("step").asText()).isEqualTo("NetworkStep"); // auto picks DL4J's fit under --spark
        assertThat(json.at("/final/testAccuracy").asDouble()).isGreaterThan(0.5);
        JsonNode spark = RunDirectory.JSON.readTree(out.resolve("spark.json").toFile());
        assertThat(spark.get("batches").asLong()).isEqualTo(24);
        assertThat(out.resolve("checkpoint.zip")).isRegularFile();

        Run resumed = run(
                "final-q5",
                "--spark",
                "local[2]",
                "--spark-averaging-frequency",
                "2",
                "--epochs",
                "3",
                "--max-batches",
                "12",
                "--checkpoint-every",
                "8",
                "--quiet",
                "--output-dir",
                out.toString(),
                "--resume");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        JsonNode metrics =
                RunDirectory.JSON.readTree(out.resolve("metrics.json").toFile());
        assertThat(metrics.get("epochs")).hasSize(3);
    }

    @Test
    void thePoolingCnnTrainsOnLocal2() throws Exception {
        Path out = tmp.resolve("pooling");
        Run r = run(
                "pooling",
                "--spark",
                "local[2]",
                "--variants",
                "max",
                "--epochs",
                "1",
                "--max-batches",
                "6",
                "--quiet",
                "--output-dir",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("max/spark.json")).isRegularFile();
        JsonNode json = RunDirectory.JSON.readTree(out.resolve("run.json").toFile());
        assertThat(json.at("/spark/master").asText()).isEqualTo("local[2]");
    }

    @Test
    void refusalsAreOneLineWithExitCode2() {
        Run fast = run(
                "final-q5",
                "--spark",
                "local[2]",
                "--step",
                "fast",
                "--max-batches",
                "2",
                "--quiet",
                "--output-dir",
                tmp.resolve("fast").toString());
        assertThat(fast.code()).isEqualTo(2);
        assertThat(fast.err().strip()).doesNotContain("\n").contains("with --spark use --step fit");

        Run badMaster = run(
                "final-q5",
                "--spark",
                "yarn",
                "--quiet",
                "--output-dir",
                tmp.resolve("m").toString());
        assertThat(badMaster.code()).isEqualTo(2);
        assertThat(badMaster.err()).contains("--spark must be local, local[N], local[*] or spark://host:port");
        assertThat(tmp.resolve("m")).doesNotExist();

        Run both = run(
                "final-q5",
                "--spark",
                "local[2]",
                "--workers",
                "2",
                "--quiet",
                "--output-dir",
                tmp.resolve("w").toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--spark and --workers");

        Run gan = run(
                "gan",
                "--spark",
                "local[2]",
                "--epochs",
                "1",
                "--max-batches",
                "2",
                "--quiet",
                "--output-dir",
                tmp.resolve("gan").toString());
        assertThat(gan.code()).isEqualTo(2);
        assertThat(gan.err()).contains("--spark distributes DL4J's fit");
    }
}

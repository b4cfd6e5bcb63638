package org.sheetlab.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main jar has no Spark: {@code --spark} ends with one line naming the jar that has it, exit code 2. */
class SparkOptionTest {
    @TempDir
    Path tmp;

    private static int run(StringWriter err, String... args) {
        CommandLine cli = SheetlabCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void sparkWithoutTheSparkJarIsOneLineNamingIt() {
        StringWriter err = new StringWriter();
        Path out = tmp.resolve("run");
        int code = run(err, "final-q5", "--spark", "local[2]", "--quiet", "--output-dir", out.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .doesNotContain("\n")
                .startsWith("final-q5: --spark needs the sheetlab-spark jar:")
                .contains("modules/sheetlab-spark/target/sheetlab-spark.jar");
        assertThat(out).doesNotExist();
    }

    @Test
    void sparkSettingsWithoutSparkAreRefused() {
        StringWriter err = new StringWriter();
        int code = run(err, "final-q5", "--spark-training", "sharing", "--quiet");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("apply to Spark training only; add --spark MASTER");
    }
}

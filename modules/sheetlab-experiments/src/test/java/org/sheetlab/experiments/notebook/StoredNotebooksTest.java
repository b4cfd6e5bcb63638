package org.sheetlab.experiments.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The notebooks are stored with their outputs (written by {@code scripts/jupyter --execute-all} under the Jupyter
 * kernel), so that they read well on GitHub without running them. This checks the files as committed; NotebooksIT
 * executes them again and compares the outputs' shape.
 */
class StoredNotebooksTest {
    static final String REFRESH = "scripts/jupyter --execute-all";
    /** A cell that prints or displays something, or ends with an expression, shows output. */
    private static final Pattern PRODUCES_OUTPUT = Pattern.compile("System\\.out\\.print|display\\(");
    /** The common dialect of IJava and rapaio-jupyter-kernel has no {@code import java.util.*} (see its use). */
    private static final Pattern WHOLE_JAVA_UTIL = Pattern.compile("(?m)^\\s*import\\s+java\\.util\\.\\*\\s*;");
    /**
     * Text that would differ on a rerun or on another machine: an object's identity hash ({@code PrintStream@1b2c3d}),
     * a display id (a UUID), a clock time, an absolute path of this machine, a terminal colour code.
     */
    static final Pattern RUN_SPECIFIC = Pattern.compile("[A-Za-z]@[0-9a-f]{5,8}\\b"
            + "|\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b"
            + "|\\b\\d\\d:\\d\\d:\\d\\d"
            + "|(?<![\\w.])/(tmp|root|home|work|var|Users)/"
            + "|\\x1B\\[");

    static List<Path> notebooks() throws Exception {
        Path dir =
                Path.of(System.getProperty("user.dir")).getParent().getParent().resolve("notebooks");
        try (var list = Files.list(dir)) {
            return list.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    static String source(JsonNode cell) {
        JsonNode src = cell.path("source");
        if (!src.isArray()) {
            return src.asText();
        }
        StringBuilder sb = new StringBuilder();
        src.forEach(line -> sb.append(line.asText()));
        return sb.toString();
    }

    @Test
    void everyNotebookIsStoredWithTheOutputsOfAnErrorFreeRun() throws Exception {
        List<Path> files = notebooks();
        assertThat(files).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Path nb : files) {
            JsonNode root = new ObjectMapper().readTree(nb.toFile());
            String name = nb.getFileName().toString();
            if (!"java"
                    .equals(root.path("metadata")
                            .path("kernelspec")
                            .path("name")
                            .asText())) {
                problems.add(name + ": kernelspec name is not \"java\" (the name IJava and scripts/jupyter register)");
            }
            if (root.path("metadata").path("language_info").has("version")) {
                problems.add(name + ": language_info holds the JDK build of the machine that ran it");
            }
            int index = 0;
            for (JsonNode cell : root.get("cells")) {
                if (!"code".equals(cell.path("cell_type").asText())) {
                    continue;
                }
                index++;
                String src = source(cell);
                JsonNode outputs = cell.path("outputs");
                String where = name + " code cell " + index;
                if (WHOLE_JAVA_UTIL.matcher(src).find()) {
                    problems.add(
                            where + ": imports java.util.* (rapaio-jupyter-kernel 3.0.1 imports it at start-up, and"
                                    + " importing it again loses the kernel's display(...)): import the java.util types one by one");
                }
                boolean magic = src.strip().startsWith("%"); // %jars: its echo (a local path) is not stored
                if (!magic && cell.path("execution_count").isNull()) {
                    problems.add(where + ": never executed");
                }
                for (JsonNode out : outputs) {
                    String text = text(out);
                    var runSpecific = RUN_SPECIFIC.matcher(text);
                    if (runSpecific.find()) {
                        problems.add(where + ": output holds run-specific text \"" + runSpecific.group()
                                + "\" (it would change on every refresh)");
                    }
                    if ("error".equals(out.path("output_type").asText())) {
                        problems.add(where + ": stored with an error output");
                    }
                    if ("stream".equals(out.path("output_type").asText())
                            && "stderr".equals(out.path("name").asText())) {
                        problems.add(
                                where
                                        + ": stored with stderr output (log lines: times and temp paths churn; scripts/jupyter --execute-all drops them)");
                    }
                }
                if (PRODUCES_OUTPUT.matcher(src).find() && outputs.isEmpty()) {
                    problems.add(where + ": prints or displays, but is stored without outputs");
                }
                if (src.contains("display(") && !hasPng(outputs)) {
                    problems.add(where + ": displays an image, but no image/png output is stored");
                }
            }
        }
        assertThat(problems)
                .as("stored notebooks whose outputs are missing or stale: refresh them with %s", REFRESH)
                .isEmpty();
    }

    /** An output's text: a stream's text, or the text/plain and text/html of a result or display. */
    static String text(JsonNode out) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : List.of(
                out.path("text"),
                out.path("data").path("text/plain"),
                out.path("data").path("text/html"))) {
            if (part.isArray()) {
                part.forEach(line -> sb.append(line.asText()));
            } else if (part.isTextual()) {
                sb.append(part.asText());
            }
        }
        return sb.toString();
    }

    private static boolean hasPng(JsonNode outputs) {
        for (JsonNode out : outputs) {
            if (out.path("data").has("image/png")) {
                return true;
            }
        }
        return false;
    }
}

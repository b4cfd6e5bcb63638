package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every notebook in notebooks/ with the packaged jar, twice: on the project's JShell runner, and in a real
 * Jupyter (nbconvert) under the Java kernel that {@code scripts/jupyter} registers. Any cell error fails the build.
 */
// longer than the module default (junit-platform.properties): every notebook in its own JVM, each limited to 10 minutes
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class NotebooksIT {
    @TempDir
    Path tmp;

    static List<Path> notebooks() throws Exception {
        List<Path> notebooks;
        try (var files = Files.list(PackagedJar.ROOT.resolve("notebooks"))) {
            notebooks =
                    files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(notebooks).isNotEmpty();
        return notebooks;
    }

    @Test
    void everyNotebookRunsWithoutACellError() throws Exception {
        List<Path> notebooks = notebooks();
        for (Path nb : notebooks) {
            Path log = tmp.resolve(nb.getFileName() + ".log");
            int code = PackagedJar.runToExit(
                    PackagedJar.command(log, "notebook", nb.toString()), java.time.Duration.ofMinutes(10), log);
            String out = PackagedJar.log(log);
            assertThat(code).as("notebook %s:%n%s", nb, out).isZero();
            assertThat(out).contains("notebook " + nb + ": OK");
        }
    }

    /**
     * Every notebook under the rapaio Java kernel through {@code jupyter nbconvert --execute} ({@code scripts/jupyter
     * --execute}, which retries a kernel start that misses its handshake, and only that). Then each code cell's stored
     * outputs must be of the same kinds as the fresh run's (stdout, an image, a value; stderr, the log, is not stored):
     * a notebook changed without refreshing its stored outputs fails here with the command that refreshes them. The
     * executed notebooks stay in target/notebooks-jupyter/.
     */
    @Test
    void everyNotebookRunsInJupyterAndMatchesItsStoredOutputs() throws Exception {
        List<Path> notebooks = notebooks();
        // kept after the run (a CI artefact): the notebooks as this run's kernel executed them
        Path out = PackagedJar.MODULE.resolve("target/notebooks-jupyter");
        if (Files.exists(out)) {
            try (var old = Files.walk(out)) {
                old.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(out);
        Path log = tmp.resolve("jupyter.log");
        List<String> cmd = new ArrayList<>(
                List.of("bash", PackagedJar.ROOT.resolve("scripts/jupyter").toString(), "--execute"));
        notebooks.forEach(nb -> cmd.add(nb.toString()));
        cmd.addAll(List.of("--output-dir", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(PackagedJar.ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        int code = PackagedJar.runToExit(pb, java.time.Duration.ofMinutes(40), log);
        String text = PackagedJar.log(log);
        System.out.printf(
                "NotebooksIT: %d notebooks under the Jupyter kernel in %.1f s%n%s",
                notebooks.size(), (System.nanoTime() - t0) / 1e9, text);
        assertThat(code).as("scripts/jupyter --execute:%n%s", text).isZero();
        List<String> stale = new ArrayList<>();
        List<String> textDiffers = new ArrayList<>();
        int compared = 0;
        ObjectMapper json = new ObjectMapper();
        for (Path nb : notebooks) {
            Path executed = out.resolve(nb.getFileName());
            assertThat(executed).as("nbconvert's output for %s", nb).exists();
            List<JsonNode> fresh = codeCells(json.readTree(executed.toFile()));
            List<JsonNode> stored = codeCells(json.readTree(nb.toFile()));
            for (int i = 0; i < fresh.size(); i++) {
                if (isMagic(fresh.get(i))) {
                    continue; // a magic cell: its echo is not stored (scripts/jupyter)
                }
                Set<String> want = kinds(fresh.get(i).path("outputs"));
                Set<String> have = kinds(stored.get(i).path("outputs"));
                if (!want.equals(have)) {
                    stale.add(nb.getFileName() + " code cell " + (i + 1) + ": executed " + want + ", stored " + have);
                }
                compared++;
                String freshText = text(fresh.get(i).path("outputs"));
                if (!freshText.equals(text(stored.get(i).path("outputs")))) {
                    textDiffers.add(nb.getFileName() + " code cell " + (i + 1) + ", this run:\n" + freshText);
                }
            }
        }
        // The text is reported, not asserted: the stored notebooks print nothing run-specific (StoredNotebooksTest),
        // so on the machine that stored them a rerun prints the same text, but another CPU's BLAS kernels may round
        // the trained numbers' last digits differently.
        System.out.printf(
                "NotebooksIT: %d of %d code cells printed the stored text again%s%n",
                compared - textDiffers.size(), compared, textDiffers.isEmpty() ? "" : "; differing:");
        textDiffers.forEach(System.out::println);
        assertThat(stale)
                .as(
                        "stored outputs that differ in kind from a fresh run: refresh them with scripts/jupyter --execute-all")
                .isEmpty();
    }

    private static List<JsonNode> codeCells(JsonNode notebook) {
        List<JsonNode> cells = new ArrayList<>();
        notebook.path("cells").forEach(c -> {
            if ("code".equals(c.path("cell_type").asText())) {
                cells.add(c);
            }
        });
        return cells;
    }

    /** A cell of magics ({@code %jars}): its output echoes local paths and is not stored. */
    private static boolean isMagic(JsonNode cell) {
        JsonNode src = cell.path("source");
        StringBuilder sb = new StringBuilder();
        if (src.isArray()) {
            src.forEach(line -> sb.append(line.asText()));
        } else {
            sb.append(src.asText());
        }
        return sb.toString().strip().startsWith("%");
    }

    /** A cell's stored text: stdout and text results, as scripts/jupyter stores them (no stderr, no images). */
    private static String text(JsonNode outputs) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode o : outputs) {
            if ("stderr".equals(o.path("name").asText())) {
                continue;
            }
            for (JsonNode part : List.of(
                    o.path("text"),
                    o.path("data").path("text/plain"),
                    o.path("data").path("text/html"))) {
                if (part.isArray()) {
                    part.forEach(line -> sb.append(line.asText()));
                } else if (part.isTextual()) {
                    sb.append(part.asText());
                }
            }
        }
        return sb.toString();
    }

    /** The kinds of a cell's outputs: stream names, and the MIME types of display data and results. */
    private static Set<String> kinds(JsonNode outputs) {
        Set<String> kinds = new TreeSet<>();
        for (JsonNode o : outputs) {
            String type = o.path("output_type").asText();
            if ("stream".equals(type)) {
                if (!"stderr".equals(o.path("name").asText())) { // log lines: not stored (scripts/jupyter)
                    kinds.add("stdout");
                }
            } else {
                o.path("data").fieldNames().forEachRemaining(mime -> kinds.add(type + " " + mime));
                if ("error".equals(type)) {
                    kinds.add("error");
                }
            }
        }
        return kinds;
    }
}

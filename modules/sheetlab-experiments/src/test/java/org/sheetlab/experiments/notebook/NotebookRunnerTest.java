package org.sheetlab.experiments.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner on small notebooks: errors of every kind fail the run with the cell; outputs are recorded. */
class NotebookRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path notebook(String... codeCells) throws IOException {
        ObjectNode nb = JSON.createObjectNode();
        ArrayNode cells = nb.putArray("cells");
        cells.addObject().put("cell_type", "markdown").putArray("source").add("# title");
        for (String c : codeCells) {
            ObjectNode cell = cells.addObject();
            cell.put("cell_type", "code");
            ArrayNode src = cell.putArray("source");
            c.lines().forEach(l -> src.add(l + "\n"));
        }
        nb.put("nbformat", 4);
        Path p = tmp.resolve("t" + System.nanoTime() + ".ipynb");
        JSON.writeValue(p.toFile(), nb);
        return p;
    }

    private NotebookRunner.Outcome run(Path nb, boolean write) throws IOException {
        try (NotebookRunner r = new NotebookRunner(tmp, 60_000)) {
            return r.run(nb, write);
        }
    }

    @Test
    void runsCellsInOrderAndRecordsOutputs() throws IOException {
        Path nb = notebook(
                "int x = 20;\nint twice(int v) { return 2 * v; }",
                "System.out.println(\"x=\" + x);\ntwice(x) + 2",
                "display(new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB));");
        NotebookRunner.Outcome o = run(nb, true);
        assertThat(o.error()).isNull();
        assertThat(o.cellsRun()).isEqualTo(3);
        JsonNode cells = JSON.readTree(nb.toFile()).get("cells");
        assertThat(cells.at("/2/outputs/0/text").asText()).isEqualTo("x=20\n");
        assertThat(cells.at("/2/outputs/1/data/text~1plain").asText()).isEqualTo("42");
        assertThat(cells.at("/3/outputs/0/output_type").asText()).isEqualTo("display_data");
        assertThat(cells.at("/3/outputs/0/data/image~1png").asText()).isNotEmpty();
    }

    @Test
    void compileErrorFailsWithTheCell() throws IOException {
        NotebookRunner.Outcome o = run(notebook("int a = 1;", "int b = a +* 2;", "int c = 3;"), false);
        assertThat(o.ok()).isFalse();
        assertThat(o.error()).startsWith("cell 2: compile error");
        assertThat(o.cellsRun()).isEqualTo(2);
    }

    @Test
    void exceptionFailsTheNotebook() throws IOException {
        NotebookRunner.Outcome o = run(notebook("if (true) throw new IllegalStateException(\"boom\");"), false);
        assertThat(o.error())
                .contains("cell 1")
                .contains("IllegalStateException")
                .contains("boom");
    }

    @Test
    void unresolvedReferenceFailsTheNotebook() throws IOException {
        NotebookRunner.Outcome o = run(notebook("int f() { return missingVariable; }"), false);
        assertThat(o.error()).contains("unresolved").contains("missingVariable");
    }

    @Test
    void magicsMustStandAloneAndBeKnown() throws IOException {
        assertThat(run(notebook("%jars foo.jar\nint x = 1;"), false).error()).contains("stand alone");
        assertThat(run(notebook("%maven org.foo:bar:1.0"), false).error()).contains("unsupported magic %maven");
        assertThat(run(notebook("%jars nowhere/"), false).error()).contains("no jar found");
    }

    /** JShell reports a stopped snippet as completed; the runner must still fail the notebook on its time limit. */
    @Test
    void aCellPastItsTimeLimitIsStoppedAndFailsTheNotebook() throws IOException {
        Path nb = notebook("int before = 1;", "while (true) {}", "int after = 2;");
        long t0 = System.nanoTime();
        NotebookRunner.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (NotebookRunner r = new NotebookRunner(tmp, 1_000)) {
                return r.run(nb, false);
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(o.ok()).isFalse();
        assertThat(o.cellsRun())
                .as("the cell after the stopped one does not run")
                .isEqualTo(2);
        assertThat(o.error())
                .startsWith("cell 2: timed out")
                .contains("time limit of 1 s")
                .contains("--cell-timeout");
        assertThat(seconds)
                .as("returns soon after the 1 s limit")
                .isLessThan(1 + NotebookRunner.STOP_GRACE_MILLIS / 1e3);
        // the snippet's thread (JShell's local execution engine runs it in this JVM) has ended, not kept spinning
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.isAlive()
                        && t.getThreadGroup() != null
                        && t.getThreadGroup().getName().startsWith("JShell"));
    }

    @Test
    void aNotebookWithinItsTimeLimitPasses() throws IOException {
        NotebookRunner.Outcome o;
        try (NotebookRunner r = new NotebookRunner(tmp, 5_000)) {
            o = r.run(notebook("long s = 0;", "for (int i = 0; i < 1000; i++) { s += i; }", "s"), false);
        }
        assertThat(o.error()).isNull();
        assertThat(o.cellsRun()).isEqualTo(3);
    }
}

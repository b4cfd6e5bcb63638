package org.sheetlab.experiments.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.sheetlab.train.run.RunDirectory;

/**
 * Executes an IJava-dialect notebook on JShell in this JVM and reports the first failing cell.
 *
 * <p>Per code cell: a line-magic cell ({@code %jars a.jar dir/}) is applied; other magics are rejected with the fix;
 * Java source is split into complete snippets and evaluated in order. A rejected snippet (compile error), an
 * exception, an unresolved reference, or a cell that runs past its time limit (it is stopped) fails the notebook.
 * stdout, {@code display(...)} output and the value of a final expression are recorded as the cell's outputs.
 *
 * <p>Snippets run on JShell's local execution engine, in this JVM (no remote execution JVM is started): a stopped
 * snippet's thread is ended with {@link JShell#stop()}.
 */
public final class NotebookRunner implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of one notebook. */
    public record Outcome(Path notebook, int cellsRun, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final JShell shell;
    private final Path baseDir;
    private final long cellTimeoutMillis;
    /** Cells are evaluated here, so that a cell past its time limit cannot hold up the runner. */
    private final ExecutorService cellThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "notebook-cell");
        t.setDaemon(true);
        return t;
    });
    /** Why this runner can run no more cells (a cell that ignored its stop request), or null. */
    private volatile String broken;
    /** How long a stopped cell has to end before the runner gives up on it. */
    static final long STOP_GRACE_MILLIS = 10_000;

    /**
     * @param baseDir directory that relative paths in magics resolve against (the notebook's folder)
     * @param cellTimeoutMillis a cell running longer than this is stopped and fails the notebook
     */
    public NotebookRunner(Path baseDir, long cellTimeoutMillis) {
        this.baseDir = baseDir;
        this.cellTimeoutMillis = cellTimeoutMillis;
        this.shell = JShell.builder().executionEngine("local").build();
        // display(...) is predefined, as in IJava; it needs this runner's own classes on the compiler class path.
        shell.addToClasspath(ownLocation().toString());
        evalOrThrow(
                "String display(Object value) { return org.sheetlab.experiments.notebook.Display.display(value); }");
    }

    private static Path ownLocation() {
        try {
            return Paths.get(NotebookRunner.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void evalOrThrow(String source) {
        for (SnippetEvent e : shell.eval(source)) {
            if (e.status() == Snippet.Status.REJECTED) {
                throw new IllegalStateException("notebook runner set-up failed: " + diagnostics(e.snippet()));
            }
        }
    }

    /** Runs every code cell of {@code notebook}; when {@code writeOutputs}, stores outputs in the file atomically. */
    public Outcome run(Path notebook, boolean writeOutputs) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(notebook.toFile());
        } catch (IOException e) {
            return new Outcome(notebook, 0, "not a readable .ipynb (JSON) file: " + e.getMessage());
        }
        JsonNode cells = root.get("cells");
        if (cells == null || !cells.isArray()) {
            return new Outcome(notebook, 0, "no 'cells' array: not a Jupyter notebook");
        }
        if (broken != null) {
            return new Outcome(notebook, 0, "not run: this runner is unusable (" + broken + ")");
        }
        int count = 0;
        String error = null;
        for (JsonNode cell : cells) {
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            count++;
            String source = source(cell);
            ArrayNode outputs = JSON.createArrayNode();
            error = runCell(source, outputs, count);
            if (cell instanceof ObjectNode obj) {
                obj.set("outputs", outputs);
                obj.put("execution_count", count);
            }
            if (error != null) {
                error = "cell " + count + ": " + error + "\n--- cell source ---\n" + source;
                break;
            }
        }
        if (writeOutputs && error == null) {
            new RunDirectory(notebook.toAbsolutePath().getParent())
                    .write(
                            notebook.getFileName().toString(),
                            out -> out.write(
                                    (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
                                            .getBytes(StandardCharsets.UTF_8)));
        }
        return new Outcome(notebook, count, error);
    }

    private static String source(JsonNode cell) {
        JsonNode src = cell.path("source");
        if (src.isArray()) {
            StringBuilder sb = new StringBuilder();
            src.forEach(line -> sb.append(line.asText()));
            return sb.toString();
        }
        return src.asText();
    }

    /** Runs one cell; returns null on success or the error text. */
    String runCell(String source, ArrayNode outputs, int executionCount) {
        String trimmed = source.strip();
        if (trimmed.startsWith("%")) {
            return magic(trimmed);
        }
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new TeeStream(originalOut, captured), true, StandardCharsets.UTF_8);
        String error;
        String lastValue = null;
        System.setOut(tee);
        try {
            Future<String[]> evaluation = cellThread.submit(() -> evaluate(source));
            String[] result = awaitCell(evaluation, executionCount);
            error = result[0];
            lastValue = result[1];
        } finally {
            System.out.flush();
            System.setOut(originalOut);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
            ObjectNode stream = outputs.addObject();
            stream.put("output_type", "stream");
            stream.put("name", "stdout");
            stream.put("text", text);
        }
        for (Map<String, String> data : Display.drain()) {
            ObjectNode d = outputs.addObject();
            d.put("output_type", "display_data");
            ObjectNode dataNode = d.putObject("data");
            data.forEach(dataNode::put);
            d.putObject("metadata");
        }
        if (error == null && lastValue != null && !lastValue.isEmpty()) {
            ObjectNode r = outputs.addObject();
            r.put("output_type", "execute_result");
            r.put("execution_count", executionCount);
            r.putObject("data").put("text/plain", lastValue);
            r.putObject("metadata");
        }
        if (error != null) {
            ObjectNode e = outputs.addObject();
            e.put("output_type", "error");
            e.put("ename", "CellError");
            e.put("evalue", error);
            e.putArray("traceback").add(error);
        }
        return error;
    }

    /**
     * Waits for a cell's evaluation. At the time limit the snippet is stopped ({@link JShell#stop()}, which JShell
     * reports as a normal completion, so the time-out is recorded here) and the cell fails; if the snippet does not
     * stop within {@link #STOP_GRACE_MILLIS}, this runner is marked unusable and the cell fails all the same.
     *
     * @return {error or null, value of the last expression or null}
     */
    private String[] awaitCell(Future<String[]> evaluation, int executionCount) {
        try {
            try {
                return evaluation.get(cellTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                shell.stop();
                String limit = "stopped after its time limit of " + describeMillis(cellTimeoutMillis)
                        + " (raise it with --cell-timeout, or make the cell faster)";
                try {
                    evaluation.get(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                    return new String[] {"timed out: " + limit, null};
                } catch (TimeoutException stillRunning) {
                    broken = "cell " + executionCount + " did not stop after its time limit";
                    return new String[] {
                        "timed out: " + limit + "; it ignored the stop request for " + describeMillis(STOP_GRACE_MILLIS)
                                + " and is still running",
                        null
                    };
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shell.stop();
            return new String[] {"interrupted", null};
        } catch (ExecutionException e) {
            return new String[] {"notebook runner failure: " + describe(e.getCause()), null};
        }
    }

    private static String describeMillis(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** Evaluates a cell's snippets in order on the cell thread; returns {error or null, last value or null}. */
    private String[] evaluate(String source) {
        String error = null;
        String lastValue = null;
        String remaining = source;
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        while (!remaining.isBlank() && error == null) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (!info.completeness().isComplete()) {
                error = "incomplete Java source (a missing ';' or '}'?): " + remaining.strip();
                break;
            }
            lastValue = null;
            for (SnippetEvent event : shell.eval(info.source())) {
                if (event.causeSnippet() != null) {
                    continue; // an update to a dependent snippet, not this one
                }
                if (event.status() == Snippet.Status.REJECTED) {
                    error = "compile error: " + diagnostics(event.snippet());
                } else if (event.exception() != null) {
                    error = describe(event.exception());
                } else if (event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED
                        || event.status() == Snippet.Status.RECOVERABLE_DEFINED) {
                    error = "unresolved reference: "
                            + shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) event.snippet())
                                    .collect(Collectors.joining(", "));
                } else if (event.snippet().kind() == Snippet.Kind.EXPRESSION
                        || event.snippet().kind() == Snippet.Kind.VAR
                                && event.snippet().subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
                    lastValue = event.value();
                }
            }
            remaining = info.remaining();
        }
        return new String[] {error, lastValue};
    }

    private String magic(String cell) {
        List<String> lines =
                cell.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (String line : lines) {
            if (!line.startsWith("%")) {
                return "a magic must stand alone in its cell; move the Java code '" + line + "' to its own cell";
            }
        }
        for (String line : lines) {
            String[] parts = line.split("\\s+");
            if (parts[0].equals("%jars") || parts[0].equals("%jar")) {
                for (int i = 1; i < parts.length; i++) {
                    String err = addJars(parts[i]);
                    if (err != null) {
                        return err;
                    }
                }
            } else {
                return "unsupported magic " + parts[0] + " (this runner supports %jars; add dependencies to the "
                        + "sheetlab jar instead of %maven)";
            }
        }
        return null;
    }

    private String addJars(String spec) {
        Path p = baseDir.resolve(spec).normalize();
        List<Path> jars = new ArrayList<>();
        try {
            if (Files.isDirectory(p)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.jar")) {
                    ds.forEach(jars::add);
                }
            } else if (Files.isRegularFile(p)) {
                jars.add(p);
            }
        } catch (IOException e) {
            return "%jars " + spec + ": " + e.getMessage();
        }
        if (jars.isEmpty()) {
            return "%jars " + spec + ": no jar found at " + p + " (build it first: mvn -DskipTests package)";
        }
        jars.forEach(j -> shell.addToClasspath(j.toString()));
        return null;
    }

    private String diagnostics(Snippet snippet) {
        return shell.diagnostics(snippet)
                .map(d -> d.getMessage(java.util.Locale.ROOT) + describePosition(snippet, d))
                .collect(Collectors.joining("; "));
    }

    private static String describePosition(Snippet snippet, Diag d) {
        String src = snippet.source();
        int pos = (int) Math.max(0, Math.min(src.length(), d.getStartPosition()));
        int line = (int) src.substring(0, pos).chars().filter(c -> c == '\n').count() + 1;
        return " (snippet line " + line + ": "
                + src.lines().skip(line - 1).findFirst().orElse("").strip() + ")";
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        if (t instanceof EvalException ee) {
            sb.append(ee.getExceptionClassName()).append(": ").append(ee.getMessage());
        } else {
            sb.append(t);
        }
        for (StackTraceElement el : t.getStackTrace()) {
            sb.append("\n    at ").append(el);
            if (sb.length() > 4000) {
                break;
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        cellThread.shutdownNow();
        if (broken == null) {
            shell.close();
        }
    }

    /** Copies writes to two streams (the console and the cell's captured output). */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}

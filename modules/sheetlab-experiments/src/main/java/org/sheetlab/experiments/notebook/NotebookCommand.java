package org.sheetlab.experiments.notebook;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sheetlab notebook notebooks/*.ipynb}: executes notebooks headless; exit code 1 if any cell fails. */
@Command(
        name = "notebook",
        mixinStandardHelpOptions = true,
        description = "Execute IJava-dialect notebooks headless on JShell; fails on the first cell error.")
public final class NotebookCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "Notebook files (.ipynb).")
    List<Path> notebooks;

    @Option(names = "--write-outputs", description = "Store the cells' outputs back into each notebook.")
    boolean writeOutputs;

    @Option(names = "--cell-timeout", description = "Seconds a cell may run (default: ${DEFAULT-VALUE}).")
    long cellTimeoutSeconds = 600;

    @Override
    public Integer call() throws Exception {
        int failures = 0;
        for (Path nb : notebooks) {
            if (!nb.toString().endsWith(".ipynb") || !nb.toFile().isFile()) {
                throw new IllegalArgumentException(nb + " is not an .ipynb file");
            }
            long t0 = System.nanoTime();
            Path base = nb.toAbsolutePath().getParent();
            try (NotebookRunner runner = new NotebookRunner(base, cellTimeoutSeconds * 1000)) {
                NotebookRunner.Outcome outcome = runner.run(nb, writeOutputs);
                double s = (System.nanoTime() - t0) / 1e9;
                if (outcome.ok()) {
                    System.err.printf("notebook %s: OK, %d code cells, %.1f s%n", nb, outcome.cellsRun(), s);
                } else {
                    failures++;
                    System.err.printf("notebook %s: FAILED at %s%n", nb, outcome.error());
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }
}

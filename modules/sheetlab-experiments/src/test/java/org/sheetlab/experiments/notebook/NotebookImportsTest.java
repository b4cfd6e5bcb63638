package org.sheetlab.experiments.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The notebooks use the library (org.sheetlab.core, layers, data, models, train), never the CLI module: a notebook
 * that needs a function from an experiment class shows that the function belongs in the library. ({@code display} is
 * the runner's predefined method, as in IJava, and needs no import.)
 */
class NotebookImportsTest {
    @Test
    void notebooksImportNoExperimentClass() throws Exception {
        Path notebooks =
                Path.of(System.getProperty("user.dir")).getParent().getParent().resolve("notebooks");
        List<Path> files;
        try (var list = Files.list(notebooks)) {
            files = list.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        List<String> offending = new ArrayList<>();
        for (Path nb : files) {
            for (JsonNode cell : new ObjectMapper().readTree(nb.toFile()).get("cells")) {
                if (!"code".equals(cell.get("cell_type").asText())) {
                    continue;
                }
                for (JsonNode line : cell.get("source")) {
                    if (line.asText().contains("org.sheetlab.experiments")) {
                        offending.add(nb.getFileName() + ": " + line.asText().strip());
                    }
                }
            }
        }
        assertThat(offending)
                .as("notebook lines naming org.sheetlab.experiments")
                .isEmpty();
    }
}

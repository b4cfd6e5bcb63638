package org.sheetlab.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedWriteLeavesThePreviousFileIntactAndNoTempFile() throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("r"));
        run.writeJson("metrics.json", Map.of("epoch", 1));
        assertThatThrownBy(() -> run.write("metrics.json", out -> {
            out.write("{\"epoch\": 2, \"half".getBytes());
            throw new IOException("disk full");
        })).hasMessageContaining("metrics.json").hasMessageContaining("disk full");
        assertThat(RunDirectory.JSON.readTree(run.resolve("metrics.json").toFile()).get("epoch").asInt()).isEqualTo(1);
        try (var files = Files.list(run.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("metrics.json");
        }
    }

    @Test
    void writesAreReadableAndNested() throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("r"));
        Path p = run.writeText("sub/table.txt", "hello");
        assertThat(Files.readString(p)).isEqualTo("hello");
        assertThat(Files.getPosixFilePermissions(p).toString()).contains("OTHERS_READ");
    }
}

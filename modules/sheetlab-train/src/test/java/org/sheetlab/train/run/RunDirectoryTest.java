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
                }))
                .hasMessageContaining("metrics.json")
                .hasMessageContaining("disk full");
        assertThat(RunDirectory.JSON
                        .readTree(run.resolve("metrics.json").toFile())
                        .get("epoch")
                        .asInt())
                .isEqualTo(1);
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

    /** A full disk: one line naming the file, the space it needed, and the checkpoint that is still good. */
    @Test
    void aFullDiskNamesTheFileTheSpaceAndTheIntactCheckpoint() throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("r"));
        Path checkpoint = run.writeText(RunDirectory.CHECKPOINT, "good checkpoint");
        assertThatThrownBy(() -> run.writeFile(RunDirectory.CHECKPOINT, f -> {
                    Files.write(f, new byte[3000]);
                    throw new IOException("No space left on device");
                }))
                .isInstanceOf(RunFolderException.class)
                .hasMessageStartingWith(
                        "cannot write " + checkpoint + ": no space left on the file system of " + run.root())
                .hasMessageContaining("it needed more than the 3 KiB written")
                .hasMessageContaining("the last good checkpoint " + checkpoint + " is intact")
                .hasMessageEndingWith("resume from it with run folder " + run.root())
                .satisfies(e -> assertThat(((RunFolderException) e).message(RunDirectoryTest::flag))
                        .endsWith("--resume from it with --output-dir " + run.root()))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Files.readString(checkpoint)).isEqualTo("good checkpoint");
        try (var files = Files.list(run.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(RunDirectory.CHECKPOINT);
        }
    }

    @Test
    void aFullDiskBeforeAnyCheckpointSaysSo() {
        RunDirectory run = new RunDirectory(tmp.resolve("r"));
        assertThatThrownBy(() -> run.write("model.zip", out -> {
                    throw new IOException("No space left on device");
                }))
                .isInstanceOf(RunFolderException.class)
                .hasMessageContaining("no space left")
                .hasMessageContaining("no checkpoint was written yet");
    }

    @Test
    void aFolderThatCannotBeCreatedIsNamed() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> new RunDirectory(file.resolve("run")))
                .isInstanceOf(RunFolderException.class)
                .hasMessage("cannot create the run folder " + file.resolve("run") + ": Not a directory; choose a "
                        + "writable run folder")
                .satisfies(e -> assertThat(((RunFolderException) e).setting()).isEqualTo("outputDir"))
                .satisfies(e -> assertThat(((RunFolderException) e).message(RunDirectoryTest::flag))
                        .endsWith("choose a writable --output-dir"));
        assertThatThrownBy(() -> new RunDirectory(file))
                .isInstanceOf(RunFolderException.class)
                .hasMessageContaining("exists and is not a folder");
    }

    /** A command line's names for the run folder and resume (what SheetlabCli derives from its options). */
    private static String flag(String setting) {
        return switch (setting) {
            case "outputDir" -> "--output-dir";
            case "resume" -> "--resume";
            default -> null;
        };
    }
}

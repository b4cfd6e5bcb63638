package org.sheetlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.breastcancer.BreastCancer;
import org.sheetlab.data.fashionmnist.FashionMnist;

/** Descriptors: checksums from the one checksum file, the search order, fetching, the missing-data message. No network. */
class DatasetDescriptorTest {
    private static final String SUM_A = "a".repeat(64);
    private static final String SUM_B = "0123456789abcdef".repeat(4);

    @TempDir
    Path tmp;

    private DatasetDescriptor small() {
        return DatasetDescriptor.parse(
                "toy",
                "# toy data\n" + SUM_A + "  a.csv\n\n" + SUM_B.toUpperCase() + " *b.bin\n",
                tmp.resolve("install"));
    }

    @Test
    void checksumsAndFilesComeFromTheChecksumFile() {
        DatasetDescriptor d = small();
        assertThat(d.name()).isEqualTo("toy");
        assertThat(d.files()).containsExactly("a.csv", "b.bin");
        assertThat(d.sha256("a.csv")).isEqualTo(SUM_A);
        assertThat(d.sha256("b.bin")).isEqualTo(SUM_B);
        assertThat(d.fetchCommand()).isEqualTo("datasets/toy/fetch.sh");
        assertThatThrownBy(() -> d.sha256("c.csv")).hasMessageContaining("no file c.csv");
        assertThatThrownBy(() -> DatasetDescriptor.parse("bad", "xyz  a.csv\n", tmp))
                .hasMessageContaining("line 1");
    }

    @Test
    void packagedDescriptorsReadTheRepositoryChecksumFiles() throws IOException {
        // the jar resources are copies of datasets/<name>/checksums.sha256 (the test runs in the module folder)
        for (DatasetDescriptor d : List.of(BreastCancer.DESCRIPTOR, FashionMnist.DESCRIPTOR)) {
            Path file = Paths.get("../../datasets", d.name(), "checksums.sha256");
            DatasetDescriptor fromFile = DatasetDescriptor.parse(d.name(), Files.readString(file), d.installDir());
            assertThat(d.files()).isEqualTo(fromFile.files()).isNotEmpty();
            for (String f : d.files()) {
                assertThat(d.sha256(f)).isEqualTo(fromFile.sha256(f)).hasSize(64);
            }
            assertThat(d.fetchCommand()).isEqualTo("datasets/" + d.name() + "/fetch.sh");
            assertThat(Paths.get("../..", d.fetchCommand())).isRegularFile();
        }
        assertThat(BreastCancer.DESCRIPTOR.files()).containsExactly(BreastCancer.FILE_NAME);
        assertThat(FashionMnist.TRAIN_IMAGES.sha256())
                .isEqualTo(FashionMnist.DESCRIPTOR.sha256("train-images-idx3-ubyte"));
        assertThat(BreastCancer.FETCH_COMMAND).isEqualTo(BreastCancer.DESCRIPTOR.fetchCommand());
        assertThat(FashionMnist.FETCH_COMMAND).isEqualTo(FashionMnist.DESCRIPTOR.fetchCommand());
    }

    @Test
    void searchOrderDataDirElseSheetlabDataElseInstallLocation() {
        DatasetDescriptor d = small();
        Path dataDir = tmp.resolve("mine");
        // --data-dir given: only that directory
        assertThat(d.searchPath(dataDir, Map.of("SHEETLAB_DATA", "/srv/data")::get))
                .containsExactly(dataDir);
        // else $SHEETLAB_DATA/<name>, then the install location
        assertThat(d.searchPath(null, Map.of("SHEETLAB_DATA", "/srv/data")::get))
                .containsExactly(Paths.get("/srv/data/toy"), tmp.resolve("install"));
        // $SHEETLAB_DATA unset or blank: its default ~/.sheetlab/datasets
        Path home = Paths.get(System.getProperty("user.home"), ".sheetlab", "datasets", "toy");
        assertThat(d.searchPath(null, Map.<String, String>of()::get)).containsExactly(home, tmp.resolve("install"));
        assertThat(d.searchPath(null, Map.of("SHEETLAB_DATA", " ")::get)).containsExactly(home, tmp.resolve("install"));
        assertThat(BreastCancer.DESCRIPTOR.searchPath(null, Map.of("SHEETLAB_DATA", "/srv/data")::get))
                .containsExactly(
                        Paths.get("/srv/data/breast-cancer"),
                        Paths.get("/usr/lib/python3/dist-packages/sklearn/datasets/data"));
        assertThat(FashionMnist.DESCRIPTOR.searchPath(null, Map.of("SHEETLAB_DATA", "/srv/data")::get))
                .containsExactly(Paths.get("/srv/data/fashion-mnist"), Paths.get("/usr/share/datasets/fashion-mnist"));
    }

    @Test
    void theFirstCompleteDirectoryWinsAndGzipCopiesCount() throws IOException {
        DatasetDescriptor d = small();
        Path root = tmp.resolve("root");
        Path user = Files.createDirectories(root.resolve("toy"));
        Path install = Files.createDirectories(tmp.resolve("install"));
        Files.writeString(install.resolve("a.csv"), "1");
        Files.writeString(install.resolve("b.bin.gz"), "2");
        Files.writeString(user.resolve("a.csv"), "1"); // user copy incomplete: b.bin missing
        Map<String, String> env = Map.of("SHEETLAB_DATA", root.toString());
        assertThat(d.isComplete(install)).isTrue();
        assertThat(d.isComplete(user)).isFalse();
        assertThat(d.locateOrFetch(null, env::get, dir -> {
                    throw new AssertionError("no fetch needed");
                }))
                .isEqualTo(install);
        Files.writeString(user.resolve("b.bin"), "2");
        assertThat(d.locateOrFetch(null, env::get, dir -> {
                    throw new AssertionError("no fetch needed");
                }))
                .isEqualTo(user);
    }

    @Test
    void missingDataIsFetchedIntoTheDataDir() throws IOException {
        DatasetDescriptor d = small();
        Path dataDir = tmp.resolve("fetched");
        List<Path> fetchedInto = new ArrayList<>();
        Path found = d.locateOrFetch(dataDir, Map.<String, String>of()::get, dir -> {
            fetchedInto.add(dir);
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("a.csv"), "1");
                Files.writeString(dir.resolve("b.bin"), "2");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(found).isEqualTo(dataDir);
        assertThat(fetchedInto).containsExactly(dataDir);
    }

    @Test
    void missingDataThatCannotBeFetchedIsOneLineNamingThePlacesAndTheFetchCommand() {
        DatasetDescriptor d =
                DatasetDescriptor.parse("breast-cancer", SUM_A + "  breast_cancer.csv\n", tmp.resolve("usr-lib"));
        Map<String, String> env = Map.of("SHEETLAB_DATA", tmp.resolve("data").toString());
        String expected = "breast-cancer data not found in " + tmp.resolve("data/breast-cancer") + ", "
                + tmp.resolve("usr-lib") + ". Install it with: datasets/breast-cancer/fetch.sh";
        // the fetch fails
        assertThatThrownBy(() -> d.locateOrFetch(null, env::get, dir -> {
                    throw new DatasetException("fetching breast-cancer failed (exit 2)");
                }))
                .isInstanceOf(DatasetException.class)
                .hasMessage(expected);
        // the fetch "succeeds" but installs nothing where we look
        assertThatThrownBy(() -> d.locateOrFetch(null, env::get, dir -> {})).hasMessage(expected);
        // with --data-dir only that place is named
        Path dataDir = tmp.resolve("given");
        assertThatThrownBy(() -> d.locateOrFetch(dataDir, env::get, dir -> {}))
                .hasMessage("breast-cancer data not found in " + dataDir
                        + ". Install it with: datasets/breast-cancer/fetch.sh");
        assertThat(expected).doesNotContain("\n");
    }

    /**
     * Unit tests never download or call apt: the build sets {@value DatasetDescriptor#NO_FETCH_PROPERTY}, and then
     * missing data fails at once with the install command, running no fetch script (scripts/test installs the
     * datasets before the tests).
     */
    @Test
    void unitTestsRunWithFetchingOffAndMissingDataNamesTheInstallCommand() {
        assertThat(System.getProperty(DatasetDescriptor.NO_FETCH_PROPERTY))
                .as("set for every unit test by the surefire configuration in the parent pom")
                .isEqualTo("true");
        DatasetDescriptor d =
                DatasetDescriptor.parse("breast-cancer", SUM_A + "  breast_cancer.csv\n", tmp.resolve("usr-lib"));
        Path dataDir = tmp.resolve("given");
        assertThatThrownBy(() -> d.fetcher().fetch(dataDir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("fetching is off");
        assertThatThrownBy(() -> d.locateOrFetch(dataDir))
                .isInstanceOf(DatasetException.class)
                .hasMessage("breast-cancer data not found in " + dataDir
                        + ". Install it with: datasets/breast-cancer/fetch.sh");
        assertThat(dataDir).as("no fetch script ran").doesNotExist();
    }
}

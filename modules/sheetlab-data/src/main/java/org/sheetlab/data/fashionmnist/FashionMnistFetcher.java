package org.sheetlab.data.fashionmnist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.sheetlab.data.DatasetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure Fashion-MNIST is installed, running the project's fetch script ({@value FashionMnist#FETCH_COMMAND})
 * when it is not. The script is taken from the working tree when run from a checkout, otherwise from the copy packaged
 * in the jar.
 */
public final class FashionMnistFetcher {
    private static final Logger log = LoggerFactory.getLogger(FashionMnistFetcher.class);
    private static final String RESOURCE = "/org/sheetlab/data/scripts/fashion-mnist/fetch.sh";

    private FashionMnistFetcher() {}

    /** Loads the dataset, fetching it first if no searched directory holds it. */
    public static FashionMnist loadOrFetch() {
        if (FashionMnist.locate().isEmpty()) {
            fetch();
        }
        return FashionMnist.load();
    }

    /** Runs the fetch script with inherited output; throws a {@link DatasetException} if it fails. */
    public static void fetch() {
        Path script = Paths.get(FashionMnist.FETCH_COMMAND);
        boolean temporary = false;
        try {
            if (!Files.isRegularFile(script)) {
                script = Files.createTempFile("sheetlab-fetch-fashion-mnist", ".sh");
                temporary = true;
                try (InputStream in = FashionMnistFetcher.class.getResourceAsStream(RESOURCE)) {
                    if (in == null) {
                        throw new DatasetException("Fashion-MNIST is missing and the fetch script is neither at "
                                + FashionMnist.FETCH_COMMAND + " nor packaged in the jar; install Debian's "
                                + "dataset-fashion-mnist package");
                    }
                    Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            log.info("Fashion-MNIST not found in {}; running {}", FashionMnist.searchPath(), script);
            Process p = new ProcessBuilder("bash", script.toString()).inheritIO().start();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new DatasetException("fetching Fashion-MNIST failed (" + FashionMnist.FETCH_COMMAND
                        + " exited with " + rc + "); see its output above");
            }
        } catch (IOException e) {
            throw new DatasetException("cannot run the Fashion-MNIST fetch script: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while fetching Fashion-MNIST", e);
        } finally {
            if (temporary) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException ignored) {
                    // a leftover temp script is harmless
                }
            }
        }
    }
}

package org.sheetlab.data.fashionmnist;

import java.nio.file.Path;
import org.sheetlab.data.DatasetException;

/**
 * Makes sure Fashion-MNIST is installed, running the project's fetch script ({@value FashionMnist#FETCH_COMMAND})
 * when it is not. The script is taken from the working tree when run from a checkout, otherwise from the copy packaged
 * in the jar. Kept for existing callers; both methods delegate to {@link FashionMnist#DESCRIPTOR}
 * ({@link org.sheetlab.data.DatasetDescriptor}), and {@link FashionMnist#loadOrFetch(Path)} is the entry point that
 * takes a {@code --data-dir}.
 */
public final class FashionMnistFetcher {
    private FashionMnistFetcher() {}

    /** Loads the dataset, fetching it first if no searched directory holds it; {@code loadOrFetch(null)}. */
    public static FashionMnist loadOrFetch() {
        return FashionMnist.loadOrFetch(null);
    }

    /** Runs the fetch script with inherited output; throws a {@link DatasetException} if it fails. */
    public static void fetch() {
        FashionMnist.DESCRIPTOR.fetch(null);
    }
}

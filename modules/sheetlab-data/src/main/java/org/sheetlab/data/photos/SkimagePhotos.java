package org.sheetlab.data.photos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.sheetlab.data.Checksums;
import org.sheetlab.data.DatasetDescriptor;
import org.sheetlab.data.DatasetException;

/**
 * scikit-image's sample photos as Debian's {@code python3-skimage} ships them (see {@code
 * datasets/skimage-photos/README.md}: files, licences, checksums): {@code astronaut.png} (512×512), {@code
 * chelsea.png} (451×300), {@code coffee.png} (600×400). Located through {@link DatasetDescriptor} ({@code --data-dir},
 * {@code $SHEETLAB_DATA/skimage-photos}, then Debian's folder; {@code datasets/skimage-photos/fetch.sh} installs them).
 */
public final class SkimagePhotos {
    /** Where Debian's python3-skimage installs the photos. */
    public static final Path DEBIAN_DIR = Paths.get("/usr/lib/python3/dist-packages/skimage/data");

    public static final DatasetDescriptor DESCRIPTOR = DatasetDescriptor.of("skimage-photos", DEBIAN_DIR);

    private SkimagePhotos() {}

    /**
     * The path of photo {@code file} (e.g. {@code "chelsea.png"}), fetching the photos if they are missing; its
     * checksum is verified.
     */
    public static Path path(Path dataDirOrNull, String file) {
        String expected = DESCRIPTOR.sha256(file); // refuses a name the dataset does not have, listing its files
        Path p = DESCRIPTOR.locateOrFetch(dataDirOrNull).resolve(file);
        try {
            String actual = Checksums.sha256(Files.readAllBytes(p));
            if (!actual.equals(expected)) {
                throw new DatasetException(p + " has SHA-256 " + actual + ", expected " + expected
                        + ". Reinstall with: " + DESCRIPTOR.fetchCommand());
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + p + ": " + e.getMessage(), e);
        }
        return p;
    }
}

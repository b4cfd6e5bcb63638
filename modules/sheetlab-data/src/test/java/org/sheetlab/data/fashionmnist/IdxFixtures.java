package org.sheetlab.data.fashionmnist;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files in the Fashion-MNIST layout for loader tests. */
final class IdxFixtures {
    private IdxFixtures() {}

    static byte[] idx(int[] shape, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + payload.length);
        b.putShort((short) 0).put((byte) 0x08).put((byte) shape.length);
        for (int s : shape) {
            b.putInt(s);
        }
        b.put(payload);
        return b.array();
    }

    static void writeGz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    /** n images whose pixel j of image i is (i·7 + j) mod 256, labels i mod 10; gzip for train, plain for test. */
    static void writeSplit(Path dir, String prefix, int n, boolean gzip) throws IOException {
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 784; j++) {
                pixels[i * 784 + j] = (byte) ((i * 7 + j) % 256);
            }
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        byte[] images = idx(new int[] {n, 28, 28}, pixels);
        byte[] labelFile = idx(new int[] {n}, labels);
        if (gzip) {
            writeGz(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images);
            writeGz(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labelFile);
        } else {
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images);
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labelFile);
        }
    }
}

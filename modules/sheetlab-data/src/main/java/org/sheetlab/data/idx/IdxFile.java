package org.sheetlab.data.idx;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * One IDX file held in memory: its dimensions and its unsigned-byte payload. Only the unsigned-byte element type
 * (0x08), which MNIST and Fashion-MNIST use, is supported.
 *
 * <p>Layout: bytes 0–1 zero, byte 2 type code, byte 3 number of dimensions d, then d big-endian int32 sizes, then
 * ∏ sizes bytes.
 */
public final class IdxFile {
    private final long[] shape;
    private final byte[] data;

    IdxFile(long[] shape, byte[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Reads {@code file}, un-gzipping it when its name ends in {@code .gz}. */
    public static IdxFile read(Path file) throws IOException {
        byte[] raw = readAll(file);
        return parse(file.toString(), raw);
    }

    /** The file's bytes, decompressed when it is gzip (the bytes the checksums are computed over). */
    public static byte[] readAll(Path file) throws IOException {
        try (InputStream in = open(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1024, Files.size(file) * 2)));
            in.transferTo(out);
            return out.toByteArray();
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IdxFormatException(file + " is not a valid gzip file (" + e.getMessage() + ")", e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Parses decompressed IDX bytes; {@code name} is used in error messages. */
    public static IdxFile parse(String name, byte[] raw) {
        if (raw.length < 4) {
            throw new IdxFormatException(name + " is too short to be an IDX file (" + raw.length + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(raw);
        int zero = buf.getShort() & 0xffff;
        int type = buf.get() & 0xff;
        int dims = buf.get() & 0xff;
        if (zero != 0 || type != 0x08) {
            throw new IdxFormatException(String.format(
                    "%s has IDX magic 0x%04x%02x%02x; expected 0x000008NN "
                            + "(unsigned bytes): not an MNIST-style IDX file",
                    name, zero, type, dims));
        }
        if (dims < 1 || raw.length < 4 + 4L * dims) {
            throw new IdxFormatException(name + ": bad IDX header (" + dims + " dimensions, " + raw.length + " bytes)");
        }
        long[] shape = new long[dims];
        long count = 1;
        for (int i = 0; i < dims; i++) {
            shape[i] = Integer.toUnsignedLong(buf.getInt());
            count *= shape[i];
        }
        int header = 4 + 4 * dims;
        if (raw.length - header != count) {
            throw new IdxFormatException(name + ": header declares shape " + Arrays.toString(shape) + " = " + count
                    + " bytes but the file holds " + (raw.length - header) + " (truncated or corrupt)");
        }
        return new IdxFile(shape, Arrays.copyOfRange(raw, header, raw.length));
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The payload as unsigned values 0..255 in row-major order. */
    public byte[] data() {
        return data;
    }

    /** Element i as an unsigned value 0..255. */
    public int unsigned(int i) {
        return data[i] & 0xff;
    }
}

package org.sheetlab.data.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.DatasetException;

/**
 * A text corpus as a {@link DataSource} for character-level language models (sheet: RNN / LSTM / GRU), streamed from a
 * UTF-8 file: only the current batch's characters are in memory, never the corpus.
 *
 * <p>The corpus (N characters) is cut into consecutive windows of T + 1 characters that overlap by one (window w
 * covers characters [wT, wT + T]); a batch holds B consecutive windows. Shapes: features [B, V, T] one-hot of
 * characters wT … wT + T − 1, labels [B, V, T] one-hot of the next characters wT + 1 … wT + T (the target of step t
 * is the input of step t + 1), both FLOAT, V = the vocabulary size. Windows come in file order every epoch (or, with
 * a shuffle seed, in a random order drawn per epoch, read by position from an ASCII file);
 * {@link #seek(int, int)} reopens the file and skips to the batch's first character, so a resumed run reads the same
 * batches. A character outside the vocabulary is an error that names it and its position.
 */
public final class TextWindowDataSource implements DataSource {
    private final Path file;
    private final String vocabulary;
    private final int[] index = new int[Character.MAX_VALUE + 1];
    private final int batchSize;
    private final int steps;
    private final long length;
    private final int windows;
    private BufferedReader reader;
    /** Shuffled mode: the seed, the epoch's window order, and random access to the (one byte per character) file. */
    private final Long shuffleSeed;

    private int[] order;
    private java.io.RandomAccessFile randomAccess;
    private int window;
    /** The character after the last window read (the first of the next window), or −1 at the start. */
    private int carry = -1;

    /**
     * @param file a UTF-8 text file
     * @param vocabulary the characters the model knows, each once; index = one-hot position
     * @param batchSize windows per batch, B
     * @param steps characters per window, T
     */
    public TextWindowDataSource(Path file, String vocabulary, int batchSize, int steps) {
        this(file, vocabulary, batchSize, steps, null);
    }

    /**
     * As {@link #TextWindowDataSource(Path, String, int, int)}, but with {@code shuffleSeed} non-null every epoch
     * visits the windows in a random order drawn from (seed, epoch) alone (so {@link #seek} still lands on the same
     * batch), each batch's B windows drawn from anywhere in the corpus. Reads each window with random access, so the
     * file must hold one byte per character (ASCII, as a normalised corpus does); only the window order (one int per
     * window) and the current batch are in memory.
     */
    public TextWindowDataSource(Path file, String vocabulary, int batchSize, int steps, Long shuffleSeed) {
        this.shuffleSeed = shuffleSeed;
        if (batchSize < 1 || steps < 1) {
            throw new IllegalArgumentException("batch size and steps must be >= 1, got " + batchSize + ", " + steps);
        }
        if (vocabulary.isEmpty() || vocabulary.chars().distinct().count() != vocabulary.length()) {
            throw new IllegalArgumentException(
                    "the vocabulary must be non-empty with each character once, got \"" + vocabulary + "\"");
        }
        this.file = file;
        this.vocabulary = vocabulary;
        this.batchSize = batchSize;
        this.steps = steps;
        Arrays.fill(index, -1);
        for (int i = 0; i < vocabulary.length(); i++) {
            index[vocabulary.charAt(i)] = i;
        }
        this.length = countCharacters(file);
        this.windows = (int) Math.max(0, (length - 1) / steps);
        if (windows == 0) {
            throw new DatasetException(file + " has " + length + " characters, too few for one window of " + steps
                    + " steps plus its target; use a longer text or fewer steps");
        }
        if (shuffleSeed != null) {
            try {
                if (Files.size(file) != length) {
                    throw new DatasetException(file + " has multi-byte characters (" + Files.size(file) + " bytes, "
                            + length + " characters): shuffled windows need one byte per character (ASCII); use "
                            + "file order (no shuffle seed) or an ASCII corpus");
                }
            } catch (IOException e) {
                throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        seek(0, 0);
    }

    /** The sorted set of characters in {@code file} (one streaming pass): a vocabulary for the constructor. */
    public static String vocabularyOf(Path file) {
        boolean[] seen = new boolean[Character.MAX_VALUE + 1];
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            while ((c = r.read()) >= 0) {
                seen[c] = true;
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < seen.length; c++) {
            if (seen[c]) {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static long countCharacters(Path file) {
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            char[] buf = new char[8192];
            int k;
            while ((k = r.read(buf)) >= 0) {
                n += k;
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** The vocabulary size V. */
    public int vocabularySize() {
        return vocabulary.length();
    }

    /** Characters in the corpus, N. */
    public long length() {
        return length;
    }

    @Override
    public int batchesPerEpoch() {
        return (windows + batchSize - 1) / batchSize;
    }

    @Override
    public void seek(int epoch, int batch) {
        DataSource.checkSeekTarget(epoch, batch, batchesPerEpoch());
        close();
        window = Math.min(batch * batchSize, windows);
        if (shuffleSeed != null) {
            order = org.sheetlab.data.iterator.ShuffledArrayIterator.epochPermutation(windows, shuffleSeed, epoch);
            try {
                randomAccess = new java.io.RandomAccessFile(file.toFile(), "r");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            return;
        }
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            long skip = (long) window * steps;
            while (skip > 0) {
                long s = reader.skip(skip);
                if (s <= 0) {
                    throw new IOException("unexpected end of file while skipping");
                }
                skip -= s;
            }
            carry = -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasNext() {
        return window < windows;
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch's windows are exhausted; seek to the next epoch");
        }
        int b = Math.min(batchSize, windows - window);
        int v = vocabulary.length();
        float[] x = new float[b * v * steps];
        float[] y = new float[b * v * steps];
        try {
            if (shuffleSeed != null) {
                byte[] buf = new byte[steps + 1];
                for (int i = 0; i < b; i++) {
                    long start = (long) order[window + i] * steps;
                    randomAccess.seek(start);
                    randomAccess.readFully(buf);
                    int prev = index(buf[0] & 0xff, start);
                    for (int t = 0; t < steps; t++) {
                        int next = index(buf[t + 1] & 0xff, start + t + 1);
                        x[(i * v + prev) * steps + t] = 1;
                        y[(i * v + next) * steps + t] = 1;
                        prev = next;
                    }
                }
                window += b;
                return new org.nd4j.linalg.dataset.MultiDataSet(
                        Nd4j.create(x, new long[] {b, v, steps}, 'c').castTo(DataType.FLOAT),
                        Nd4j.create(y, new long[] {b, v, steps}, 'c').castTo(DataType.FLOAT));
            }
            for (int i = 0; i < b; i++) {
                long start = (long) (window + i) * steps;
                int prev = carry >= 0 ? carry : read(start);
                for (int t = 0; t < steps; t++) {
                    int next = read(start + t + 1);
                    x[(i * v + prev) * steps + t] = 1;
                    y[(i * v + next) * steps + t] = 1;
                    prev = next;
                }
                carry = prev;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        window += b;
        INDArray features = Nd4j.create(x, new long[] {b, v, steps}, 'c').castTo(DataType.FLOAT);
        INDArray labels = Nd4j.create(y, new long[] {b, v, steps}, 'c').castTo(DataType.FLOAT);
        return new org.nd4j.linalg.dataset.MultiDataSet(features, labels);
    }

    /** The next character of the stream as its vocabulary index; {@code position} names it in errors. */
    private int read(long position) throws IOException {
        int c = reader.read();
        if (c < 0) {
            throw new IOException("unexpected end of file at character " + position);
        }
        return index(c, position);
    }

    /** The vocabulary index of character {@code c}; {@code position} names it in errors. */
    private int index(int c, long position) {
        int i = index[c];
        if (i < 0) {
            throw new DatasetException(String.format(
                    java.util.Locale.ROOT,
                    "%s: character '%s' (U+%04X) at position "
                            + "%d is not in the vocabulary; build the vocabulary with vocabularyOf(file)",
                    file,
                    Character.toString(c),
                    c,
                    position));
        }
        return i;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public void close() {
        if (randomAccess != null) {
            try {
                randomAccess.close();
            } catch (IOException ignored) {
                // closing a read-only file
            }
            randomAccess = null;
        }
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // closing a read-only file: nothing to lose
            }
            reader = null;
        }
    }
}

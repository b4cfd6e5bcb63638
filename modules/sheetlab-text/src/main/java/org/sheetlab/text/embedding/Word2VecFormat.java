package org.sheetlab.text.embedding;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Word vectors in the original word2vec file formats (word2vec.c's {@code -output}, {@code distance.c}'s reader,
 * gensim's {@code KeyedVectors.save_word2vec_format} / {@code load_word2vec_format}), so that vectors move between
 * this project, the C tool and gensim.
 *
 * <ul>
 *   <li><b>text</b> ({@code -binary 0}): a header line {@code "V d"}, then V lines {@code word x_1 ... x_d}, fields
 *       separated by single spaces (word2vec.c leaves a space before the newline; gensim does not; both are read).
 *       Numbers are written as Java's shortest round-tripping float text, so a text round trip is exact.
 *   <li><b>binary</b> ({@code -binary 1}): the same header line, then per word: its UTF-8 bytes, one space, d IEEE-754
 *       float32 in little-endian order (x86 native order, as word2vec.c's {@code fwrite} and numpy's
 *       {@code tobytes()} write them), and a newline. Readers skip a newline before a word, as distance.c does.
 * </ul>
 *
 * <p>A truncated or malformed file fails with a {@link MalformedVectorsException} that names the file and the line
 * (text) or byte offset (binary) where it went wrong and what was expected there.
 */
public final class Word2VecFormat {
    private Word2VecFormat() {}

    /** A vectors file that does not follow the format; the message names the line or byte offset. */
    public static final class MalformedVectorsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedVectorsException(String message) {
            super(message);
        }
    }

    /** Writes {@code e} in the text format. */
    public static void writeText(WordEmbeddings e, Path file) {
        int d = e.dimension();
        float[] t = e.table();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(e.size() + " " + d + "\n");
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < e.size(); i++) {
                line.setLength(0);
                line.append(checkedWord(e.word(i)));
                for (int j = 0; j < d; j++) {
                    line.append(' ').append(t[i * d + j]);
                }
                line.append('\n');
                out.write(line.toString());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write vectors to " + file, ex);
        }
    }

    /** Writes {@code e} in the binary format. */
    public static void writeBinary(WordEmbeddings e, Path file) {
        int d = e.dimension();
        float[] t = e.table();
        ByteBuffer row = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write((e.size() + " " + d + "\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < e.size(); i++) {
                out.write(checkedWord(e.word(i)).getBytes(StandardCharsets.UTF_8));
                out.write(' ');
                row.clear();
                row.asFloatBuffer().put(t, i * d, d);
                out.write(row.array());
                out.write('\n');
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write vectors to " + file, ex);
        }
    }

    private static String checkedWord(String word) {
        if (word.isEmpty() || word.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    "word '" + word + "' is empty or contains whitespace: the word2vec formats cannot store it");
        }
        return word;
    }

    /** Reads a text-format file. */
    public static WordEmbeddings readText(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            int[] vd = header(file, header, "line 1");
            int v = vd[0];
            int d = vd[1];
            List<String> words = new ArrayList<>(v);
            float[] table = new float[Math.multiplyExact(v, d)];
            for (int i = 0; i < v; i++) {
                int lineNumber = i + 2;
                String line = in.readLine();
                if (line == null) {
                    throw new MalformedVectorsException(file + ": truncated: ends after line " + (lineNumber - 1)
                            + " with " + i + " of the " + v + " vectors the header (line 1) announces");
                }
                String[] fields = line.strip().split(" ");
                if (fields.length != d + 1) {
                    throw new MalformedVectorsException(file + " line " + lineNumber + ": expected a word and " + d
                            + " numbers separated by single spaces, got " + fields.length + " fields"
                            + (fields.length > 0 ? " (word '" + fields[0] + "')" : ""));
                }
                words.add(fields[0]);
                for (int j = 0; j < d; j++) {
                    try {
                        table[i * d + j] = Float.parseFloat(fields[j + 1]);
                    } catch (NumberFormatException ex) {
                        throw new MalformedVectorsException(file + " line " + lineNumber + ": component " + (j + 1)
                                + " of '" + fields[0] + "' is '" + fields[j + 1] + "', not a number");
                    }
                }
            }
            return embeddings(file, words, table, d);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read vectors from " + file, ex);
        }
    }

    /** Reads a binary-format file. */
    public static WordEmbeddings readBinary(Path file) {
        try (CountingInput in = new CountingInput(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            String header = in.headerLine(file);
            int[] vd = header(file, header, "byte offset 0");
            int v = vd[0];
            int d = vd[1];
            List<String> words = new ArrayList<>(v);
            float[] table = new float[Math.multiplyExact(v, d)];
            byte[] row = new byte[4 * d];
            ByteBuffer rowBuffer = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v; i++) {
                String word = in.word(file, i, v);
                long at = in.offset;
                int got = in.readFully(row);
                if (got < row.length) {
                    throw new MalformedVectorsException(file + ": truncated at byte offset " + (at + got)
                            + ": vector " + (i + 1) + " of " + v + " ('" + word + "', from byte offset " + at
                            + ") needs " + d + " float32 = " + row.length + " bytes, only " + got + " left");
                }
                rowBuffer.clear();
                rowBuffer.asFloatBuffer().get(table, i * d, d);
                words.add(word);
            }
            return embeddings(file, words, table, d);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read vectors from " + file, ex);
        }
    }

    /** Reads either format: binary unless the file's body is valid UTF-8 text with d numbers per line. */
    public static WordEmbeddings read(Path file) {
        return isBinary(file) ? readBinary(file) : readText(file);
    }

    private static boolean isBinary(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] head = in.readNBytes(4096);
            int i = 0;
            while (i < head.length && head[i] != '\n') {
                i++;
            }
            for (int j = i + 1; j < head.length; j++) {
                int b = head[j] & 0xff;
                if (b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
                    return true; // control bytes appear in float32 data, never in the text format
                }
            }
            // text bodies are words and numbers; binary bodies almost always hold a control byte within 4 KB
            return false;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read vectors from " + file, ex);
        }
    }

    private static WordEmbeddings embeddings(Path file, List<String> words, float[] table, int d) {
        try {
            return new WordEmbeddings(words, table, d);
        } catch (IllegalArgumentException ex) {
            throw new MalformedVectorsException(file + ": " + ex.getMessage());
        }
    }

    private static int[] header(Path file, String header, String where) {
        if (header == null) {
            throw new MalformedVectorsException(file + " is empty: expected a header line \"V d\" at " + where);
        }
        String[] parts = header.strip().split(" ");
        if (parts.length != 2) {
            throw new MalformedVectorsException(file + " " + where + ": expected the header \"V d\" (vocabulary size"
                    + " and dimension), got '" + abbreviate(header) + "'");
        }
        try {
            int v = Integer.parseInt(parts[0]);
            int d = Integer.parseInt(parts[1]);
            if (v < 0 || d < 1) {
                throw new NumberFormatException();
            }
            return new int[] {v, d};
        } catch (NumberFormatException ex) {
            throw new MalformedVectorsException(file + " " + where + ": expected the header \"V d\" with V >= 0 and"
                    + " d >= 1, got '" + abbreviate(header) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** A byte stream that knows its offset, for the binary reader's messages. */
    private static final class CountingInput implements AutoCloseable {
        private final InputStream in;
        long offset;

        CountingInput(InputStream in) {
            this.in = in;
        }

        int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                offset++;
            }
            return b;
        }

        int readFully(byte[] into) throws IOException {
            int n = in.readNBytes(into, 0, into.length);
            offset += n;
            return n;
        }

        String headerLine(Path file) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = read()) != '\n') {
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
                }
                if (line.size() > 100) {
                    throw new MalformedVectorsException(file + " byte offset 0: no newline in the first 100 bytes;"
                            + " expected the header \"V d\"");
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        /** The next word: bytes up to a space, after an optional newline (the end of the previous vector). */
        String word(Path file, int i, int v) throws IOException {
            long start = offset;
            ByteArrayOutputStream word = new ByteArrayOutputStream();
            int b;
            while ((b = read()) != ' ') {
                if (b < 0) {
                    throw new MalformedVectorsException(file + ": truncated at byte offset " + offset + ": expected"
                            + " word " + (i + 1) + " of the " + v + " the header announces (from byte offset "
                            + start + ")");
                }
                if (b == '\n' && word.size() == 0) {
                    continue;
                }
                if (word.size() > 1000 || b == '\n') {
                    throw new MalformedVectorsException(file + " byte offset " + (offset - 1) + ": word " + (i + 1)
                            + " of " + v + " (from byte offset " + start + ") is not followed by a space"
                            + " within 1000 bytes; not a word2vec binary file, or d in the header is wrong");
                }
                word.write(b);
            }
            if (word.size() == 0) {
                throw new MalformedVectorsException(file + " byte offset " + (offset - 1) + ": word " + (i + 1)
                        + " of " + v + " is empty");
            }
            return word.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

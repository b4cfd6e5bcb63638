package org.sheetlab.data.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.DatasetException;

/**
 * A {@link DataSource} streamed from a DataVec {@link RecordReader} (typically a {@link CSVRecordReader} over a file):
 * one column holds the class id, every other column is a feature. Only the current batch and at most one shuffle
 * buffer of records are in memory, never the whole file.
 *
 * <p>Shapes: each batch is a single-input, single-output {@link MultiDataSet} with features [b, F] FLOAT (the record's
 * columns in order, the label column left out) and labels [b, C] one-hot FLOAT, b = batch size (the last batch of an
 * epoch may be smaller), F = columns − 1, C = the number of classes given.
 *
 * <p>Order: with {@code shuffleBuffer} ≤ 1 the records come in file order every epoch. With a buffer of S records the
 * stream is cut into consecutive chunks of S records and each chunk is shuffled with a {@link Random} seeded from
 * (seed, epoch, chunk): a record moves at most S − 1 places, so this is a local shuffle, not a permutation of the whole
 * file (use {@link ArrayDataSource} for that when the data fits in memory). Either way the batches of an epoch depend
 * only on (seed, epoch), and {@link #seek(int, int)} re-reads from the start of the file, skips whole chunks and lands
 * on the same batch, bit for bit, as an uninterrupted iteration.
 *
 * <p>The constructor makes one pass over the records to count them and to check the label column (so that
 * {@link #batchesPerEpoch()} is known and a bad label fails at once, naming the record); nothing is kept.
 */
public final class RecordReaderDataSource implements DataSource {
    private final RecordReader reader;
    private final String sourceName;
    private final int labelColumn;
    private final int numClasses;
    private final int batchSize;
    private final int shuffleBuffer;
    private final long seed;
    private final int numExamples;
    private final int numColumns;

    private int epoch;
    /** Records of the current epoch already handed out in batches. */
    private int position;
    /** The current chunk: records [chunkStart, chunkStart + chunk.size()) of the epoch's stream, in served order. */
    private List<List<Writable>> chunk = List.of();

    private int chunkStart;

    /**
     * @param reader an initialised reader whose {@link RecordReader#reset()} starts over at the first record
     * @param sourceName how errors name the data (a file name)
     * @param labelColumn the 0-based column holding the class id, an integer in [0, numClasses)
     * @param numClasses C, the width of the one-hot labels (≥ 2)
     * @param batchSize b ≥ 1
     * @param shuffleBuffer S: records shuffled together per epoch; ≤ 1 reads in file order
     * @param seed with the epoch and the chunk, seeds each chunk's shuffle
     * @throws IllegalArgumentException for a bad label column or settings, {@link DatasetException} for a record
     *     whose label is not a class id or whose width differs from the first record's
     */
    public RecordReaderDataSource(
            RecordReader reader,
            String sourceName,
            int labelColumn,
            int numClasses,
            int batchSize,
            int shuffleBuffer,
            long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classification source needs >= 2 classes, got " + numClasses);
        }
        if (!reader.resetSupported()) {
            throw new IllegalArgumentException(reader.getClass().getSimpleName() + " cannot reset, so it cannot seek");
        }
        this.reader = reader;
        this.sourceName = sourceName;
        this.labelColumn = labelColumn;
        this.numClasses = numClasses;
        this.batchSize = batchSize;
        this.shuffleBuffer = Math.max(1, shuffleBuffer);
        this.seed = seed;
        reader.reset();
        int n = 0;
        int columns = -1;
        while (reader.hasNext()) {
            List<Writable> record = reader.next();
            if (columns < 0) {
                columns = record.size();
                if (labelColumn < 0 || labelColumn >= columns) {
                    throw new IllegalArgumentException(sourceName + ": label column " + labelColumn + " is outside the "
                            + columns + " columns (0.." + (columns - 1) + ") of its first record");
                }
                if (columns < 2) {
                    throw new IllegalArgumentException(sourceName + ": records have " + columns + " column; need the "
                            + "label column and at least one feature");
                }
            }
            checkWidth(record, n, columns);
            label(record, n);
            n++;
        }
        if (n == 0) {
            throw new DatasetException(sourceName + " holds no records");
        }
        this.numExamples = n;
        this.numColumns = columns;
        seek(0, 0);
    }

    /**
     * A source over a CSV file read with DataVec's {@link CSVRecordReader}.
     *
     * @param skipLines header lines to skip
     */
    public static RecordReaderDataSource csv(
            Path file,
            int skipLines,
            char delimiter,
            int labelColumn,
            int numClasses,
            int batchSize,
            int shuffleBuffer,
            long seed) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("CSV file not found: " + file);
        }
        CSVRecordReader reader = new CSVRecordReader(skipLines, delimiter);
        try {
            reader.initialize(new FileSplit(file.toFile()));
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while opening " + file, e);
        }
        return new RecordReaderDataSource(
                reader, file.toString(), labelColumn, numClasses, batchSize, shuffleBuffer, seed);
    }

    /** Number of records N in one epoch. */
    public int numExamples() {
        return numExamples;
    }

    /** Number of feature columns F (all columns but the label). */
    public int numFeatures() {
        return numColumns - 1;
    }

    /** Number of classes C. */
    public int numOutcomes() {
        return numClasses;
    }

    /** ⌈N / b⌉. */
    @Override
    public int batchesPerEpoch() {
        return (numExamples + batchSize - 1) / batchSize;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public void seek(int epoch, int batch) {
        DataSource.checkSeekTarget(epoch, batch, batchesPerEpoch());
        this.epoch = epoch;
        this.position = Math.min(batch * batchSize, numExamples);
        reader.reset();
        int skipChunks = position / shuffleBuffer;
        for (int i = 0; i < skipChunks * shuffleBuffer && reader.hasNext(); i++) {
            reader.next();
        }
        this.chunkStart = skipChunks * shuffleBuffer;
        this.chunk = List.of();
        if (position < numExamples) {
            loadChunk();
        }
    }

    @Override
    public boolean hasNext() {
        return position < numExamples;
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException(
                    "epoch " + epoch + " is exhausted; seek(" + (epoch + 1) + ", 0) for the " + "next epoch");
        }
        int b = Math.min(batchSize, numExamples - position);
        int f = numFeatures();
        float[] x = new float[b * f];
        float[] y = new float[b * numClasses];
        for (int r = 0; r < b; r++) {
            if (position >= chunkStart + chunk.size()) {
                chunkStart += chunk.size();
                loadChunk();
            }
            List<Writable> record = chunk.get(position - chunkStart);
            int k = 0;
            for (int c = 0; c < numColumns; c++) {
                if (c != labelColumn) {
                    try {
                        x[r * f + k++] = record.get(c).toFloat();
                    } catch (NumberFormatException e) {
                        throw new DatasetException(sourceName + ": record " + (position + 1) + " (in this epoch's "
                                + "order) has '" + record.get(c) + "' in feature column " + c + ", not a number");
                    }
                }
            }
            y[r * numClasses + label(record, position)] = 1f;
            position++;
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(
                Nd4j.create(x, new long[] {b, f}, 'c'), Nd4j.create(y, new long[] {b, numClasses}, 'c'));
    }

    /** Reads the chunk starting at record {@link #chunkStart} (the reader stands there) and shuffles it. */
    private void loadChunk() {
        int size = Math.min(shuffleBuffer, numExamples - chunkStart);
        List<List<Writable>> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            if (!reader.hasNext()) {
                throw new DatasetException(sourceName + " ended after " + (chunkStart + i) + " records, but held "
                        + numExamples + " when counted; was it changed while being read?");
            }
            records.add(reader.next());
        }
        if (shuffleBuffer > 1) {
            int chunkIndex = chunkStart / shuffleBuffer;
            Collections.shuffle(records, new Random((seed * 1_000_003L + epoch) * 1_000_003L + chunkIndex));
        }
        this.chunk = records;
    }

    private void checkWidth(List<Writable> record, int index, int columns) {
        if (record.size() != columns) {
            throw new DatasetException(sourceName + ": record " + (index + 1) + " has " + record.size()
                    + " columns, the first record " + columns);
        }
    }

    /** The class id in the label column of record {@code index} (0-based, for messages). */
    private int label(List<Writable> record, int index) {
        String text = record.get(labelColumn).toString().trim();
        int id;
        try {
            double v = Double.parseDouble(text);
            id = (int) v;
            if (id != v) {
                id = -1;
            }
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 0 || id >= numClasses) {
            throw new DatasetException(sourceName + ": record " + (index + 1) + " has '" + text + "' in label column "
                    + labelColumn + ", not a class id in 0.." + (numClasses - 1));
        }
        return id;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new DatasetException("cannot close " + sourceName + ": " + e.getMessage(), e);
        }
    }
}

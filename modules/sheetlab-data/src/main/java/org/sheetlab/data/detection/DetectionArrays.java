package org.sheetlab.data.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.datavec.image.recordreader.objdetect.ObjectDetectionRecordReader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.data.source.DataSource;

/**
 * One split of a VOC detection set in memory, as {@code Yolo2OutputLayer} trains on it: read once through DataVec's
 * {@code ObjectDetectionRecordReader} ({@link VocDataset#objectDetectionReader}), images [N, C, H, W] scaled from
 * 0..255 to [0, 1] and YOLO labels [N, 4 + classes, gridH, gridW] (corner boxes in grid units at the cell of each box
 * centre, then the one-hot class). Row i is image i of {@link VocDataset#images()} (the reader keeps the list's order).
 *
 * <p>Training and evaluation sources ({@link #source}) reshuffle per (seed, epoch) with {@link ShuffledArrayIterator}
 * over the flattened rows and reshape each batch back to rank 4, so a resumed run sees the same batches.
 *
 * @param split the dataset split read
 * @param images [N, C, H, W] FLOAT in [0, 1]
 * @param labels [N, 4 + classes, gridH, gridW] FLOAT
 */
public record DetectionArrays(VocDataset split, INDArray images, INDArray labels) {
    /** Reads {@code split}, resized to {@code height × width × channels}, with labels on a {@code gridH × gridW} grid. */
    public static DetectionArrays read(VocDataset split, int height, int width, int channels, int gridH, int gridW) {
        int n = split.images().size();
        ObjectDetectionRecordReader reader = split.objectDetectionReader(height, width, channels, gridH, gridW);
        List<INDArray> x = new ArrayList<>(n);
        List<INDArray> y = new ArrayList<>(n);
        while (reader.hasNext()) {
            List<Writable> record = reader.next();
            x.add(((NDArrayWritable) record.get(0)).get().castTo(DataType.FLOAT));
            y.add(((NDArrayWritable) record.get(1)).get().castTo(DataType.FLOAT));
        }
        INDArray images = Nd4j.concat(0, x.toArray(INDArray[]::new)).divi(255);
        INDArray labels = Nd4j.concat(0, y.toArray(INDArray[]::new));
        if (images.size(0) != n) {
            throw new IllegalStateException("DataVec read " + images.size(0) + " images of " + split.root() + " "
                    + split.split() + ", its list holds " + n);
        }
        DetectionArrays arrays = new DetectionArrays(split, images, labels);
        arrays.checkOrder(width, height);
        return arrays;
    }

    /** N. */
    public int size() {
        return (int) images.size(0);
    }

    /**
     * Mini-batches of {@code batchSize}: reshuffled per (seed, epoch) when {@code shuffle}, in list order otherwise;
     * features [b, C, H, W], labels [b, 4 + classes, gridH, gridW].
     */
    public DataSource source(int batchSize, boolean shuffle, long seed) {
        long[] xShape = images.shape();
        long[] yShape = labels.shape();
        INDArray flatX = images.reshape('c', xShape[0], xShape[1] * xShape[2] * xShape[3]);
        INDArray flatY = labels.reshape('c', yShape[0], yShape[1] * yShape[2] * yShape[3]);
        return new ArrayDataSource(new ShuffledArrayIterator(flatX, flatY, batchSize, shuffle, seed, null))
                .withPreProcessor(ds -> {
                    long b = ds.getFeatures().size(0);
                    ds.setFeatures(ds.getFeatures().reshape('c', b, xShape[1], xShape[2], xShape[3]));
                    ds.setLabels(ds.getLabels().reshape('c', b, yShape[1], yShape[2], yShape[3]));
                });
    }

    /**
     * Checks that row i holds image i: the label cell of each box centre carries that box's class (when two boxes
     * share a cell DataVec keeps one, so at least one of them must match).
     */
    private void checkOrder(int width, int height) {
        long gridH = labels.size(2);
        long gridW = labels.size(3);
        for (int i = 0; i < split.images().size(); i++) {
            AnnotatedImage im = split.images().get(i);
            boolean any = im.boxes().isEmpty();
            for (Box b : im.boxes()) {
                int cy = (int) Math.min(gridH - 1, Math.floor(b.centerY() / im.height() * gridH));
                int cx = (int) Math.min(gridW - 1, Math.floor(b.centerX() / im.width() * gridW));
                if (labels.getDouble(i, 4 + b.classId(), cy, cx) > 0.5) {
                    any = true;
                }
            }
            if (!any) {
                throw new IllegalStateException("the YOLO labels DataVec made for row " + i + " do not match the "
                        + "boxes of " + im.image() + " "
                        + Arrays.toString(im.boxes().toArray())
                        + "; the reader did not keep the list's order");
            }
        }
    }
}

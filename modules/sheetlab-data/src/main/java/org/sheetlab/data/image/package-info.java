/**
 * Image folders through DataVec, for the sheet's Transfer Learning section (Final Q2d: the VGG19 strategy trained on
 * the user's own photos, "different aspect ratios → crop-resize per class", "domain shift (book → phone): use
 * augmentation").
 *
 * <p>{@link org.sheetlab.data.image.ImageFolder} scans a folder with one subfolder per class (classes sorted by name),
 * checks every image once and decodes through DataVec's {@code ImageRecordReader} with a
 * {@code ParentPathLabelGenerator}; {@link org.sheetlab.data.image.ImageFolderSource} serves it as a seekable
 * {@link org.sheetlab.data.source.DataSource} of [b, C, H, W] batches in [0, 1], with seeded augmentation
 * ({@link org.sheetlab.data.image.Augmentation}) drawn per (seed, epoch, image) so a resumed run sees the same pixels;
 * {@link org.sheetlab.data.image.ImageFolderWriter} writes arrays (e.g. Fashion-MNIST) as such a folder of PNGs.
 */
package org.sheetlab.data.image;

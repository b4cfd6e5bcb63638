/**
 * Photographs as arrays for the vision experiments (sheet: Neural Style Transfer): {@link
 * org.sheetlab.data.photos.Photos} reads a PNG/JPEG/BMP/GIF file into an RGB array [1, 3, H, W] in [0, 1] (scaled to
 * cover H×W, then centre-cropped) and writes such an array back as a PNG; {@link
 * org.sheetlab.data.photos.SkimagePhotos} locates scikit-image's sample photos (astronaut, chelsea, coffee) that
 * Debian's {@code python3-skimage} ships, checked against {@code datasets/skimage-photos/checksums.sha256}.
 */
package org.sheetlab.data.photos;

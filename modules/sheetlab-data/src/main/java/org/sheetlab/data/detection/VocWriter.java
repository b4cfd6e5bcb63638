package org.sheetlab.data.detection;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.sheetlab.data.AtomicFolder;
import org.sheetlab.data.DatasetException;

/**
 * Writes a detection set in the Pascal VOC layout that {@link VocDataset} reads: {@code PNGImages/<id>.png},
 * {@code Annotations/<id>.xml}, {@code ImageSets/Main/<split>.txt}.
 *
 * <p>The XML puts one element per line (DataVec's {@code VocLabelProvider} reads it line by line) and nothing that
 * varies between runs (no dates, no paths), so equal inputs give equal files, byte for byte. Atomic: everything goes
 * into a temporary sibling folder that is renamed to {@code root} in one step, so a killed writer never leaves a
 * half-written set.
 */
public final class VocWriter {
    private VocWriter() {}

    /**
     * One image to write.
     *
     * @param id file name without extension (letters, digits, '-', '_')
     * @param image 8-bit grey ({@code TYPE_BYTE_GRAY}) or colour image
     * @param boxes its objects, pixel-edge coordinates inside the image
     */
    public record Entry(String id, BufferedImage image, List<Box> boxes) {
        public Entry {
            if (!id.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("image id '" + id + "' must be letters, digits, '-' or '_'");
            }
            boxes = List.copyOf(boxes);
            for (Box b : boxes) {
                if (!b.inside(image.getWidth(), image.getHeight())) {
                    throw new IllegalArgumentException("box " + b + " of image " + id + " lies outside its "
                            + image.getWidth() + "x" + image.getHeight() + " image");
                }
            }
        }
    }

    /**
     * Writes {@code entries} and the split lists to {@code root}.
     *
     * @param splits split name → the ids it lists, in order (each id must be an entry's)
     * @return root
     * @throws DatasetException if root exists (delete it, or write elsewhere) or a file cannot be written
     */
    public static Path write(Path root, List<Entry> entries, Map<String, List<String>> splits) {
        return write(root, entries, splits, Map.of());
    }

    /**
     * {@link #write(Path, List, Map)} plus text files at the top of the set (e.g. the generator's settings), which VOC
     * readers ignore.
     *
     * @param textFiles file name → UTF-8 content
     */
    public static Path write(
            Path root, List<Entry> entries, Map<String, List<String>> splits, Map<String, String> textFiles) {
        return AtomicFolder.write(root, "the detection set", tmp -> {
            Path images = Files.createDirectories(tmp.resolve(VocDataset.IMAGE_DIRS.get(0)));
            Path annotations = Files.createDirectories(tmp.resolve(VocDataset.ANNOTATIONS));
            Path sets = Files.createDirectories(tmp.resolve("ImageSets").resolve("Main"));
            Set<String> known = new HashSet<>();
            for (Entry e : entries) {
                if (!known.add(e.id())) {
                    throw new IllegalArgumentException("image id " + e.id() + " appears twice");
                }
                if (!ImageIO.write(
                        e.image(), "png", images.resolve(e.id() + ".png").toFile())) {
                    throw new IOException("no PNG writer");
                }
                Files.writeString(annotations.resolve(e.id() + ".xml"), annotationXml(e), StandardCharsets.UTF_8);
            }
            for (Map.Entry<String, List<String>> s : splits.entrySet()) {
                StringBuilder sb = new StringBuilder();
                for (String id : s.getValue()) {
                    if (!known.contains(id)) {
                        throw new IllegalArgumentException("split " + s.getKey() + " lists unknown image id " + id);
                    }
                    sb.append(id).append('\n');
                }
                Files.writeString(sets.resolve(s.getKey() + ".txt"), sb.toString(), StandardCharsets.UTF_8);
            }
            for (Map.Entry<String, String> t : textFiles.entrySet()) {
                Files.writeString(tmp.resolve(t.getKey()), t.getValue(), StandardCharsets.UTF_8);
            }
        });
    }

    /** The VOC XML of one entry, one element per line. */
    static String annotationXml(Entry e) {
        BufferedImage im = e.image();
        int depth = im.getRaster().getNumBands() == 1 ? 1 : 3;
        StringBuilder sb = new StringBuilder();
        sb.append("<annotation>\n");
        sb.append("\t<folder>").append(VocDataset.IMAGE_DIRS.get(0)).append("</folder>\n");
        sb.append("\t<filename>").append(e.id()).append(".png</filename>\n");
        sb.append("\t<size>\n");
        sb.append("\t\t<width>").append(im.getWidth()).append("</width>\n");
        sb.append("\t\t<height>").append(im.getHeight()).append("</height>\n");
        sb.append("\t\t<depth>").append(depth).append("</depth>\n");
        sb.append("\t</size>\n");
        sb.append("\t<segmented>0</segmented>\n");
        for (Box b : e.boxes()) {
            sb.append("\t<object>\n");
            sb.append("\t\t<name>").append(escape(b.className())).append("</name>\n");
            sb.append("\t\t<pose>Unspecified</pose>\n");
            sb.append("\t\t<truncated>0</truncated>\n");
            sb.append("\t\t<difficult>0</difficult>\n");
            sb.append("\t\t<bndbox>\n");
            sb.append("\t\t\t<xmin>").append(b.xmin()).append("</xmin>\n");
            sb.append("\t\t\t<ymin>").append(b.ymin()).append("</ymin>\n");
            sb.append("\t\t\t<xmax>").append(b.xmax()).append("</xmax>\n");
            sb.append("\t\t\t<ymax>").append(b.ymax()).append("</ymax>\n");
            sb.append("\t\t</bndbox>\n");
            sb.append("\t</object>\n");
        }
        sb.append("</annotation>\n");
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

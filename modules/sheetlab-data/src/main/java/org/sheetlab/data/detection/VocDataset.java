package org.sheetlab.data.detection;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.image.recordreader.objdetect.ObjectDetectionRecordReader;
import org.datavec.image.recordreader.objdetect.impl.VocLabelProvider;
import org.sheetlab.data.DatasetException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * One split of a detection set in the Pascal VOC layout (see the package description), read and checked once.
 *
 * <p>Checks, each a {@link DatasetException} naming the file and the fix: the root, {@code Annotations/},
 * {@code ImageSets/Main/<split>.txt}, every listed annotation and its image exist; the XML parses and holds
 * {@code size/width}, {@code size/height} and, per {@code object}, {@code name} and integer
 * {@code bndbox/xmin,ymin,xmax,ymax} (the message names the missing or malformed element); every box is non-empty and
 * inside the image; every class name is in the class list when one is given.
 *
 * @param root the dataset folder
 * @param split the split read (e.g. {@code train}, {@code test})
 * @param classes class names, index = class id (given, or the names found in the split sorted, DataVec's order)
 * @param images the split's images in the order of its list file
 */
public record VocDataset(Path root, String split, List<String> classes, List<AnnotatedImage> images) {
    /** The annotation folder. */
    public static final String ANNOTATIONS = "Annotations";
    /** The image folders looked in, in order (the generator writes PNGs to the first). */
    public static final List<String> IMAGE_DIRS = List.of("PNGImages", "JPEGImages");
    /** The image extensions looked for, in order. */
    public static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg");

    public VocDataset {
        classes = List.copyOf(classes);
        images = List.copyOf(images);
    }

    /** Reads {@code split}, its class list being the class names found in it, sorted (DataVec's order). */
    public static VocDataset read(Path root, String split) {
        return read(root, split, null);
    }

    /**
     * Reads {@code split} with the given class list ({@code null}: the names found, sorted).
     *
     * @throws DatasetException on a missing folder, list, annotation or image, malformed XML, a box outside its image
     *     or a class name not in {@code classes}
     */
    public static VocDataset read(Path root, String split, List<String> classes) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException("detection set folder " + root + " does not exist; generate it (see "
                    + "datasets/fashion-detect/README.md) or point to a VOC-layout folder");
        }
        Path annotations = root.resolve(ANNOTATIONS);
        if (!Files.isDirectory(annotations)) {
            throw new DatasetException(root + " has no " + ANNOTATIONS + "/ folder: not a VOC-layout detection set "
                    + "(expected Annotations/, PNGImages/ or JPEGImages/, ImageSets/Main/<split>.txt)");
        }
        List<String> ids = readIds(root, split);
        List<Parsed> parsed = new ArrayList<>(ids.size());
        for (String id : ids) {
            parsed.add(parse(annotations.resolve(id + ".xml")));
        }
        List<String> names = classes;
        if (names == null) {
            TreeSet<String> found = new TreeSet<>();
            parsed.forEach(p -> p.objects.forEach(o -> found.add(o.name)));
            names = List.copyOf(found);
        }
        List<AnnotatedImage> images = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            images.add(toImage(root, ids.get(i), parsed.get(i), names));
        }
        return new VocDataset(root, split, names, images);
    }

    /** The image ids listed in {@code root/ImageSets/Main/<split>.txt} (blank lines skipped). */
    public static List<String> readIds(Path root, String split) {
        Path list = splitFile(root, split);
        if (!Files.isRegularFile(list)) {
            throw new DatasetException("split list " + list + " does not exist; a VOC-layout set lists the image ids "
                    + "of split '" + split + "' there, one per line");
        }
        try {
            List<String> ids = new ArrayList<>();
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                String id = line.strip();
                if (!id.isEmpty()) {
                    ids.add(id.split("\\s+")[0]);
                }
            }
            return ids;
        } catch (IOException e) {
            throw new DatasetException("cannot read " + list + ": " + e.getMessage(), e);
        }
    }

    /** {@code root/ImageSets/Main/<split>.txt}. */
    public static Path splitFile(Path root, String split) {
        return root.resolve("ImageSets").resolve("Main").resolve(split + ".txt");
    }

    /** The number of boxes over all images. */
    public int boxCount() {
        return images.stream().mapToInt(im -> im.boxes().size()).sum();
    }

    /**
     * DataVec's object-detection reader over this split: each record is the image as [C, height, width] (resized)
     * and the YOLO label [4 + C_classes, gridH, gridW] that DL4J's {@code Yolo2OutputLayer} expects: at the cell
     * {@code (floor(cy / H · gridH), floor(cx / W · gridW))} of each box centre, channels 0–3 hold
     * {@code x1·gridW/W, y1·gridH/H, x2·gridW/W, y2·gridH/H} and channel {@code 4 + classId} holds 1. The class ids are
     * this dataset's {@link #classes()} (set on the reader after DataVec's own sorted list). Use it with
     * {@code new RecordReaderDataSetIterator(reader, batch, 1, 1, true)}.
     *
     * <p>Only {@code .png}/{@code .jpg} images: DataVec's {@code VocLabelProvider} finds the annotation by cutting a
     * four-character extension off the image name, and reads the XML line by line (one element per line, as
     * {@link VocWriter} writes it).
     */
    public ObjectDetectionRecordReader objectDetectionReader(
            int height, int width, int channels, int gridH, int gridW) {
        List<URI> uris = new ArrayList<>(images.size());
        for (AnnotatedImage im : images) {
            String name = im.image().getFileName().toString();
            if (!(name.endsWith(".png") || name.endsWith(".jpg"))) {
                throw new DatasetException("image " + im.image() + " is not a .png or .jpg file, which DataVec's "
                        + "VocLabelProvider needs to find its annotation");
            }
            uris.add(im.image().toUri());
        }
        ObjectDetectionRecordReader reader = new ObjectDetectionRecordReader(
                height, width, channels, gridH, gridW, new VocLabelProvider(root.toString()));
        try {
            reader.initialize(new CollectionInputSplit(uris));
        } catch (IOException e) {
            throw new DatasetException("cannot read detection set " + root + ": " + e.getMessage(), e);
        }
        reader.setLabels(new ArrayList<>(classes));
        return reader;
    }

    private record Obj(String name, int xmin, int ymin, int xmax, int ymax) {}

    private record Parsed(Path file, int width, int height, int depth, List<Obj> objects) {}

    private static AnnotatedImage toImage(Path root, String id, Parsed p, List<String> classes) {
        Path image = findImage(root, id);
        List<Box> boxes = new ArrayList<>(p.objects.size());
        for (Obj o : p.objects) {
            int classId = classes.indexOf(o.name);
            if (classId < 0) {
                throw new DatasetException(p.file + ": object class '" + o.name + "' is not one of the classes "
                        + classes + "; fix the <name> element or add the class");
            }
            if (o.xmin >= o.xmax || o.ymin >= o.ymax) {
                throw new DatasetException(p.file + ": the <bndbox> of '" + o.name + "' is empty or inverted (xmin "
                        + o.xmin + ", xmax " + o.xmax + ", ymin " + o.ymin + ", ymax " + o.ymax + ")");
            }
            Box box = new Box(o.name, classId, o.xmin, o.ymin, o.xmax, o.ymax);
            if (!box.inside(p.width, p.height)) {
                throw new DatasetException(p.file + ": the <bndbox> of '" + o.name + "' (x " + o.xmin + ".." + o.xmax
                        + ", y " + o.ymin + ".." + o.ymax + ") lies outside the " + p.width + "x" + p.height
                        + " image; coordinates are pixel edges with 0 <= xmin < xmax <= width");
            }
            boxes.add(box);
        }
        return new AnnotatedImage(id, image, p.width, p.height, p.depth, boxes);
    }

    private static Path findImage(Path root, String id) {
        for (String dir : IMAGE_DIRS) {
            for (String ext : IMAGE_EXTENSIONS) {
                Path f = root.resolve(dir).resolve(id + ext);
                if (Files.isRegularFile(f)) {
                    return f;
                }
            }
        }
        throw new DatasetException(
                "no image for id '" + id + "' in " + root + ": looked for " + id + ".png/.jpg in " + IMAGE_DIRS);
    }

    private static Parsed parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("annotation " + file + " does not exist, but its id is listed in the split; "
                    + "add the annotation or remove the id from ImageSets/Main");
        }
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = builder().parse(in);
        } catch (SAXException e) {
            throw new DatasetException("annotation " + file + " is not well-formed XML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetException("cannot read annotation " + file + ": " + e.getMessage(), e);
        }
        Element top = doc.getDocumentElement();
        if (!"annotation".equals(top.getTagName())) {
            throw new DatasetException(file + ": root element is <" + top.getTagName() + ">, expected <annotation>");
        }
        Element size = child(file, top, "size", "annotation");
        int width = intOf(file, size, "width", "size");
        int height = intOf(file, size, "height", "size");
        Element depthEl = optionalChild(size, "depth");
        int depth = depthEl == null ? 3 : parseInt(file, depthEl, "size/depth");
        if (width <= 0 || height <= 0) {
            throw new DatasetException(file + ": <size> gives a " + width + "x" + height + " image; both must be > 0");
        }
        List<Obj> objects = new ArrayList<>();
        NodeList nodes = top.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element obj && "object".equals(obj.getTagName())) {
                String name =
                        child(file, obj, "name", "object").getTextContent().strip();
                if (name.isEmpty()) {
                    throw new DatasetException(file + ": an <object> has an empty <name>");
                }
                Element bb = child(file, obj, "bndbox", "object '" + name + "'");
                String where = "bndbox of '" + name + "'";
                objects.add(new Obj(
                        name,
                        intOf(file, bb, "xmin", where),
                        intOf(file, bb, "ymin", where),
                        intOf(file, bb, "xmax", where),
                        intOf(file, bb, "ymax", where)));
            }
        }
        return new Parsed(file, width, height, depth, objects);
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no usable XML parser: " + e.getMessage(), e);
        }
    }

    private static Element optionalChild(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && tag.equals(e.getTagName())) {
                return e;
            }
        }
        return null;
    }

    private static Element child(Path file, Element parent, String tag, String where) {
        Element e = optionalChild(parent, tag);
        if (e == null) {
            throw new DatasetException(file + ": element <" + tag + "> is missing from <" + where + ">");
        }
        return e;
    }

    private static int intOf(Path file, Element parent, String tag, String where) {
        return parseInt(file, child(file, parent, tag, where), where + "/" + tag);
    }

    private static int parseInt(Path file, Element e, String where) {
        String text = e.getTextContent().strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException ex) {
            try {
                double d = Double.parseDouble(text); // some tools write "12.0"
                if (d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
                    return (int) d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new DatasetException(
                    file + ": element <" + where + "> holds '" + text + "', not an integer pixel " + "coordinate");
        }
    }
}

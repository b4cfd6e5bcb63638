package org.sheetlab.models.vision;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ImageNet weights for {@link Vgg19} from files the user supplies (sheet, "Transfer Learning ★ FINAL Q2d": the VGG19
 * strategy starts from a pretrained backbone). DL4J's zoo downloads no longer work (its blob storage account is
 * disabled), and no package registry reachable here ships VGG weights, so the user places one of these files:
 *
 * <ul>
 *   <li><b>Keras HDF5</b> ({@link #loadKeras(Path, ComputationGraph)}): Keras' published
 *       {@value #KERAS_FILE} (with the top, md5 {@value #KERAS_MD5} as published by Keras) or
 *       {@value #KERAS_NOTOP_FILE} (blocks only, md5 {@value #KERAS_NOTOP_MD5}), or any Keras VGG19's
 *       {@code model.save_weights(...)} or {@code model.save(...)} .h5 file (the weights then sit under
 *       {@code /model_weights}). Each layer's weights are read from the group of the same Keras name, the kernel being
 *       the dataset of rank 4 (convolution) or 2 (dense) and the bias the one of rank 1, whatever the dataset names
 *       (Keras 2 {@code <layer>/kernel:0}, Keras 1 {@code <layer>_W_1:0}); read through DL4J's Keras import
 *       ({@link Hdf5Archive}).</li>
 *   <li><b>DL4J zoo zip</b> ({@link #restoreZoo(Path)}): {@value #ZOO_FILE}, a ModelSerializer ComputationGraph with
 *       the Keras names. {@code org.deeplearning4j.zoo.model.VGG19.initPretrained()} looks for it at
 *       {@code ~/.deeplearning4j/models/vgg19/vgg19_dl4j_inference.zip} ({@link #zooCacheFile()}; the folder moves
 *       with {@code -Dorg.deeplearning4j.resources.directory}) and accepts it only with Adler32 checksum
 *       {@value #ZOO_ADLER32} ({@link #adler32(Path)}); otherwise it tries to download it from the dead address.
 *       {@link #copyByName(ComputationGraph, ComputationGraph)} moves its weights into a {@link Vgg19} graph.</li>
 * </ul>
 *
 * Layouts (Keras "tf dim ordering, tf kernels" → DL4J):
 * <ul>
 *   <li>convolution kernel [K_h, K_w, C_in, C_out] (HWIO) → W [C_out, C_in, K_h, K_w] (OIHW), a permutation
 *       (3, 2, 0, 1); both compute a cross-correlation, so no kernel flip;</li>
 *   <li>dense kernel [n_in, n_out] → W [n_in, n_out]; bias [n] → b [1, n];</li>
 *   <li>fc1: Keras flattens block5_pool's NHWC map [H5, W5, C5] in (h, w, c) order, DL4J's flatten its NCHW map in
 *       (c, h, w) order, so fc1's rows are permuted: W[c·H5·W5 + h·W5 + w] = K[h·W5·C5 + w·C5 + c].</li>
 * </ul>
 *
 * A file is checked before anything is written into the network: every layer with parameters in the network must
 * have a group in the file (a missing or misnamed layer is named, with the file and the layers it has), and each
 * array must have the network's shape (a file of another width, input size or class count names the layer and both
 * shapes). Layers of the file that the network lacks (the top, for a network without it) are ignored.
 *
 * <pre>{@code
 * Vgg19.Builder b = Vgg19.builder();                                   // 224×224×3, width 1, with the top
 * ComputationGraph vgg = Vgg19Weights.initKeras(b, Path.of("vgg19_weights_tf_dim_ordering_tf_kernels.h5"));
 * ComputationGraph net = Vgg19Transfer.builder().transfer(vgg);        // the sheet's strategy
 * }</pre>
 */
public final class Vgg19Weights {
    /** Keras' published VGG19 weights with the top (keras.applications.vgg19, WEIGHTS_PATH). */
    public static final String KERAS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels.h5";

    /** Its md5 as published by Keras (keras.applications.vgg19's file_hash); not verified here. */
    public static final String KERAS_MD5 = "cbe5617147190e668d6c5d5026f83318";

    /** Keras' published VGG19 weights without the top (WEIGHTS_PATH_NO_TOP). */
    public static final String KERAS_NOTOP_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";

    /** Its md5 as published by Keras; not verified here. */
    public static final String KERAS_NOTOP_MD5 = "253f8cb515780f3b799900260a226db6";

    /** The DL4J zoo's pretrained VGG19 (ImageNet). */
    public static final String ZOO_FILE = "vgg19_dl4j_inference.zip";

    /** The Adler32 checksum that DL4J's zoo (VGG19.pretrainedChecksum(IMAGENET)) requires of {@link #ZOO_FILE}. */
    public static final long ZOO_ADLER32 = 2782932419L;

    private Vgg19Weights() {}

    /** Where {@code VGG19.initPretrained()} looks: {@code ~/.deeplearning4j/models/vgg19/vgg19_dl4j_inference.zip}. */
    public static Path zooCacheFile() {
        return Path.of(System.getProperty("user.home"), ".deeplearning4j", "models", "vgg19", ZOO_FILE);
    }

    /** A new {@code b.init()} graph with the weights of the Keras file {@code h5} (see the class comment). */
    public static ComputationGraph initKeras(Vgg19.Builder b, Path h5) {
        ComputationGraph graph = b.init();
        loadKeras(h5, graph);
        return graph;
    }

    /**
     * Copies the weights of the Keras HDF5 file {@code h5} into {@code graph} (a {@link Vgg19} graph, or any graph with
     * its layer names and a Vgg19 {@code flatten} vertex before fc1), layer by layer by name.
     *
     * @return the names of the layers loaded, in the graph's order
     * @throws IllegalArgumentException naming the file and the layer when the file lacks a layer or a shape differs;
     *     nothing is written into the graph then
     */
    public static List<String> loadKeras(Path h5, ComputationGraph graph) {
        requireFile(h5, "a Keras VGG19 weights file such as " + KERAS_FILE + " or " + KERAS_NOTOP_FILE);
        Map<String, INDArray[]> converted = new LinkedHashMap<>();
        Hdf5Archive archive;
        try {
            archive = new Hdf5Archive(h5.toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Vgg19Weights: cannot open " + h5 + " as an HDF5 file: " + e, e);
        }
        try (archive) {
            String[] root =
                    archive.getGroups().contains("model_weights") ? new String[] {"model_weights"} : new String[0];
            List<String> fileLayers = archive.getGroups(root);
            for (Layer layer : parameterised(graph)) {
                String name = layer.getConfig().getLayerName();
                if (!fileLayers.contains(name)) {
                    throw new IllegalArgumentException("Vgg19Weights: " + h5 + " has no weights for layer '" + name
                            + "'"
                            + (name.startsWith("fc") || name.equals(Vgg19.PREDICTIONS)
                                    ? " (a file without the top? build the network with optIncludeTop(false))"
                                    : "")
                            + "; the file's layers are " + fileLayers);
                }
                INDArray[] kb = readKernelAndBias(archive, h5, append(root, name));
                converted.put(name, toDl4j(h5, graph, layer, kb[0], kb[1]));
            }
        } catch (Exception e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("Vgg19Weights: cannot read " + h5 + ": " + e, e);
        }
        for (Map.Entry<String, INDArray[]> e : converted.entrySet()) {
            Layer layer = graph.getLayer(e.getKey());
            layer.getParam("W").assign(e.getValue()[0]);
            layer.getParam("b").assign(e.getValue()[1]);
        }
        return List.copyOf(converted.keySet());
    }

    /** The layers of {@code graph} that have parameters (convolutions, fc1, fc2, predictions), in graph order. */
    private static List<Layer> parameterised(ComputationGraph graph) {
        List<Layer> out = new ArrayList<>();
        for (int i : graph.topologicalSortOrder()) {
            org.deeplearning4j.nn.graph.vertex.GraphVertex v = graph.getVertices()[i];
            if (v.hasLayer() && v.getLayer().numParams() > 0) {
                out.add(v.getLayer());
            }
        }
        return out;
    }

    private static String[] append(String[] path, String name) {
        String[] p = Arrays.copyOf(path, path.length + 1);
        p[path.length] = name;
        return p;
    }

    /** The datasets under the layer's group (at any depth): the one of rank ≥ 2 is the kernel, the rank-1 one the bias. */
    private static INDArray[] readKernelAndBias(Hdf5Archive archive, Path h5, String[] group) throws Exception {
        List<INDArray> arrays = new ArrayList<>();
        List<String> names = new ArrayList<>();
        collect(archive, group, arrays, names);
        INDArray kernel = null;
        INDArray bias = null;
        for (INDArray a : arrays) {
            if (a.rank() == 1 && bias == null) {
                bias = a;
            } else if (a.rank() >= 2 && kernel == null) {
                kernel = a;
            } else {
                kernel = null;
                bias = null;
                break;
            }
        }
        if (kernel == null || bias == null) {
            throw new IllegalArgumentException("Vgg19Weights: " + h5 + ", layer '" + group[group.length - 1]
                    + "': expected one kernel and one bias, found datasets " + names + " with shapes "
                    + arrays.stream().map(a -> Arrays.toString(a.shape())).toList());
        }
        return new INDArray[] {kernel, bias};
    }

    private static void collect(Hdf5Archive archive, String[] group, List<INDArray> arrays, List<String> names)
            throws Exception {
        for (String d : archive.getDataSets(group)) {
            arrays.add(archive.readDataSet(d, group));
            names.add(String.join("/", group) + "/" + d);
        }
        for (String g : archive.getGroups(group)) {
            collect(archive, append(group, g), arrays, names);
        }
    }

    /** The Keras kernel and bias in the layer's DL4J layout, shape-checked against the layer's parameters. */
    private static INDArray[] toDl4j(Path h5, ComputationGraph graph, Layer layer, INDArray kernel, INDArray bias) {
        String name = layer.getConfig().getLayerName();
        INDArray w = layer.getParam("W");
        INDArray b = layer.getParam("b");
        INDArray converted;
        if (kernel.rank() == 4) {
            converted = kernel.permute(3, 2, 0, 1);
        } else if (kernel.rank() == 2 && name.equals(Vgg19.FC1)) {
            converted = kerasFlattenToDl4j(kernel, flattenShape(graph));
        } else {
            converted = kernel;
        }
        if (!Arrays.equals(converted.shape(), w.shape()) || bias.length() != b.length()) {
            throw new IllegalArgumentException("Vgg19Weights: " + h5 + ", layer '" + name + "': the file's kernel "
                    + Arrays.toString(kernel.shape()) + " and bias " + Arrays.toString(bias.shape())
                    + " (Keras layout" + (kernel.rank() == 4 ? " [K_h, K_w, C_in, C_out]" : " [n_in, n_out]")
                    + ") do not fit the network's W " + Arrays.toString(w.shape()) + " and b "
                    + Arrays.toString(b.shape()) + (kernel.rank() == 4 ? " [C_out, C_in, K_h, K_w]" : " [n_in, n_out]")
                    + "; the file was made for another width multiplier, input size or class count");
        }
        return new INDArray[] {
            converted.castTo(w.dataType()).reshape(w.shape()),
            bias.castTo(b.dataType()).reshape(b.shape())
        };
    }

    /** [C5, H5, W5] of the graph's flatten vertex, the map fc1 reads. */
    private static long[] flattenShape(ComputationGraph graph) {
        GraphVertex v = graph.getConfiguration().getVertices().get(Vgg19.FLATTEN);
        if (v instanceof PreprocessorVertex pv && pv.getPreProcessor() instanceof CnnToFeedForwardPreProcessor p) {
            return new long[] {p.getNumChannels(), p.getInputHeight(), p.getInputWidth()};
        }
        throw new IllegalArgumentException("Vgg19Weights: the network has fc1 but no Vgg19 'flatten' vertex stating "
                + "block5_pool's shape, so fc1's rows cannot be reordered from Keras' (h, w, c) flatten order; "
                + "build it with Vgg19.builder()");
    }

    /**
     * fc1's kernel with rows in Keras' (h, w, c) order → rows in DL4J's (c, h, w) order. For a file of another input
     * size the row count differs and the shape check names both shapes.
     */
    private static INDArray kerasFlattenToDl4j(INDArray kernel, long[] chw) {
        long c = chw[0];
        long h = chw[1];
        long w = chw[2];
        if (kernel.size(0) != c * h * w) {
            return kernel; // the caller's shape check reports it
        }
        return kernel.reshape('c', h, w, c, kernel.size(1))
                .permute(2, 0, 1, 3)
                .dup('c')
                .reshape('c', c * h * w, kernel.size(1));
    }

    /**
     * The DL4J zoo's pretrained VGG19 zip (a ModelSerializer ComputationGraph), restored without an updater. Put it
     * at {@link #zooCacheFile()} for DL4J's own {@code VGG19.initPretrained()}, or anywhere and pass its path here.
     */
    public static ComputationGraph restoreZoo(Path zip) {
        requireFile(
                zip,
                ZOO_FILE + " (DL4J zoo VGG19, Adler32 " + ZOO_ADLER32 + "; VGG19.initPretrained() looks at "
                        + zooCacheFile() + ")");
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "Vgg19Weights: cannot restore " + zip + " as a DL4J ComputationGraph zip: " + e, e);
        }
    }

    /**
     * Copies every parameterised layer of {@code target} from the layer of the same name in {@code source} (e.g. the
     * zoo graph of {@link #restoreZoo(Path)} into a {@link Vgg19} graph), checking shapes first. When fc1's input in
     * {@code source} is flattened in Keras' (h, w, c) order (a {@link TensorFlowCnnToFeedForwardPreProcessor}, as DL4J's
     * Keras import makes), fc1's rows are reordered to {@code target}'s (c, h, w) flatten.
     *
     * @return the names of the layers copied
     */
    public static List<String> copyByName(ComputationGraph source, ComputationGraph target) {
        Map<String, INDArray[]> converted = new LinkedHashMap<>();
        for (Layer layer : parameterised(target)) {
            String name = layer.getConfig().getLayerName();
            Layer from = source.getLayer(name);
            if (from == null || from.numParams() == 0) {
                throw new IllegalArgumentException(
                        "Vgg19Weights: the source graph has no layer '" + name + "' with parameters; its vertices are "
                                + source.getConfiguration().getVertices().keySet());
            }
            INDArray w = from.getParam("W");
            INDArray b = from.getParam("b");
            if (name.equals(Vgg19.FC1) && flattensInKerasOrder(source)) {
                w = kerasFlattenToDl4j(w, flattenShape(target));
            }
            INDArray tw = layer.getParam("W");
            INDArray tb = layer.getParam("b");
            if (w == null || b == null || !Arrays.equals(w.shape(), tw.shape()) || b.length() != tb.length()) {
                throw new IllegalArgumentException("Vgg19Weights: layer '" + name + "': the source's W "
                        + (w == null ? "(none)" : Arrays.toString(w.shape())) + " and b "
                        + (b == null ? "(none)" : Arrays.toString(b.shape())) + " do not fit the target's W "
                        + Arrays.toString(tw.shape()) + " and b " + Arrays.toString(tb.shape()));
            }
            converted.put(name, new INDArray[] {
                w.castTo(tw.dataType()), b.castTo(tb.dataType()).reshape(tb.shape())
            });
        }
        for (Map.Entry<String, INDArray[]> e : converted.entrySet()) {
            target.getLayer(e.getKey()).getParam("W").assign(e.getValue()[0]);
            target.getLayer(e.getKey()).getParam("b").assign(e.getValue()[1]);
        }
        return List.copyOf(converted.keySet());
    }

    /** Whether fc1 of {@code g} reads a Keras-order (NHWC) flatten: its own preprocessor or a flatten vertex's. */
    private static boolean flattensInKerasOrder(ComputationGraph g) {
        Map<String, GraphVertex> vertices = g.getConfiguration().getVertices();
        if (vertices.get(Vgg19.FC1) instanceof LayerVertex lv
                && lv.getPreProcessor() instanceof TensorFlowCnnToFeedForwardPreProcessor) {
            return true;
        }
        for (String in : g.getConfiguration().getVertexInputs().getOrDefault(Vgg19.FC1, List.of())) {
            if (vertices.get(in) instanceof PreprocessorVertex pv) {
                InputPreProcessor p = pv.getPreProcessor();
                if (p instanceof TensorFlowCnnToFeedForwardPreProcessor) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The Adler32 checksum of a file, as DL4J's zoo computes it for {@link #ZOO_ADLER32}. */
    public static long adler32(Path file) {
        Adler32 a = new Adler32();
        digest(file, a::update);
        return a.getValue();
    }

    /** The md5 of a file in lower-case hex, to compare with {@link #KERAS_MD5} and {@link #KERAS_NOTOP_MD5}. */
    public static String md5(Path file) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            digest(file, md::update);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Sink {
        void update(byte[] b, int off, int len);
    }

    private static void digest(Path file, Sink sink) {
        requireFile(file, "a file to checksum");
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                sink.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireFile(Path file, String what) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Vgg19Weights: " + file + " is not a file; expected " + what);
        }
    }
}

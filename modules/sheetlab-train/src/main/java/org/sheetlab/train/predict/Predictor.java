package org.sheetlab.train.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelInference;
import org.deeplearning4j.parallelism.inference.InferenceMode;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.settings.InvalidSettingException;

/**
 * Batch prediction with a model saved by DL4J's ModelSerializer (a run folder's {@code model.zip}): a MultiLayerNetwork
 * or a single-input, single-output ComputationGraph whose input is a feature vector. The rows go through DL4J's
 * {@link ParallelInference} in {@code SEQUENTIAL} mode: {@code workers} replicas of the model (parameters copied), fed
 * chunks of {@code batchSize} rows from as many threads, so that each chunk's output is exactly what the model's own
 * {@code output(chunk)} gives (no merging of requests into other batch shapes).
 *
 * <p>Bad input is refused before any computation with an {@link InvalidSettingException} (setting {@code model} or
 * {@code input}) whose message is one line: a file that is not a zip or is truncated, a zip without ModelSerializer's
 * {@code configuration.json} and {@code coefficients.bin}, a zip ModelSerializer cannot restore, a model whose input is
 * not a feature vector (images, sequences), and a feature count other than the model's input size (both numbers
 * named).
 */
public final class Predictor {
    private final Model model;
    private final Path source;

    private Predictor(Model model, Path source) {
        this.model = model;
        this.source = source;
    }

    /** The loaded model. */
    public Model model() {
        return model;
    }

    /**
     * Loads {@code zip}, checking first that it is a readable zip with ModelSerializer's entries.
     *
     * @throws InvalidSettingException (setting {@code model}) with a one-line message on any bad file
     */
    public static Predictor load(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw InvalidSettingException.mentioning(
                    "model", zip, "{model} %s: no such file; give a model.zip from a run folder", zip);
        }
        JsonNode config;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry conf = z.getEntry("configuration.json");
            if (conf == null || z.getEntry("coefficients.bin") == null) {
                throw InvalidSettingException.mentioning(
                        "model",
                        zip,
                        "{model} %s is a zip but not a DL4J model (ModelSerializer writes configuration.json and "
                                + "coefficients.bin); give a model.zip from a run folder",
                        zip);
            }
            try (InputStream in = z.getInputStream(conf)) {
                config = new ObjectMapper().readTree(in);
            }
        } catch (ZipException e) {
            throw notAModel(zip, "not a readable zip: truncated, or another kind of file", e);
        } catch (IOException e) {
            throw notAModel(zip, "unreadable: " + firstLine(e), e);
        }
        boolean graph = config != null && config.has("vertices");
        boolean network = config != null && config.has("confs");
        if (!graph && !network) {
            throw notAModel(zip, "its configuration.json is neither a MultiLayerNetwork nor a ComputationGraph", null);
        }
        Model model;
        try {
            model = graph
                    ? ModelSerializer.restoreComputationGraph(zip.toFile(), false)
                    : ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        } catch (Exception | OutOfMemoryError | AssertionError e) {
            throw notAModel(zip, "ModelSerializer cannot restore it (" + firstLine(e) + ")", e);
        }
        if (model instanceof ComputationGraph g
                && (g.getConfiguration().getNetworkInputs().size() != 1
                        || g.getConfiguration().getNetworkOutputs().size() != 1)) {
            throw InvalidSettingException.mentioning(
                    "model",
                    zip,
                    "{model} %s has %s inputs and %s outputs; predict takes models with one of each",
                    zip,
                    g.getConfiguration().getNetworkInputs().size(),
                    g.getConfiguration().getNetworkOutputs().size());
        }
        return new Predictor(model, zip);
    }

    private static InvalidSettingException notAModel(Path zip, String why, Throwable cause) {
        return InvalidSettingException.mentioning(
                cause,
                "model",
                zip,
                "{model} %s is not a usable DL4J model zip: %s; give a model.zip written by ModelSerializer "
                        + "(a run folder's model.zip)",
                zip,
                why);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().lines().findFirst().orElse(m);
    }

    /** The model's data type: the input rows are cast to it. */
    public DataType dataType() {
        return model instanceof MultiLayerNetwork net
                ? net.getLayerWiseConfigurations().getDataType()
                : ((ComputationGraph) model).getConfiguration().getDataType();
    }

    /**
     * The number of features the model takes per example, read from its first layer (its {@code nIn}, or height ×
     * width × channels where a feed-forward-to-CNN preprocessor reshapes the row); −1 where the graph's input goes
     * to a vertex that is not a layer (then DL4J checks the shape).
     *
     * @throws InvalidSettingException when the input is not a feature vector (images, sequences)
     */
    public long inputWidth() {
        if (model instanceof MultiLayerNetwork net) {
            return width(
                    net.getLayerWiseConfigurations().getInputPreProcess(0),
                    net.getLayerWiseConfigurations().getConf(0).getLayer());
        }
        ComputationGraphConfiguration conf = ((ComputationGraph) model).getConfiguration();
        String input = conf.getNetworkInputs().get(0);
        for (var e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().contains(input)) {
                GraphVertex v = conf.getVertices().get(e.getKey());
                if (v instanceof LayerVertex lv) {
                    return width(lv.getPreProcessor(), lv.getLayerConf().getLayer());
                }
                return -1;
            }
        }
        return -1;
    }

    private long width(InputPreProcessor pre, Layer layer) {
        if (pre instanceof FeedForwardToCnnPreProcessor cnn) {
            return cnn.getInputHeight() * cnn.getInputWidth() * cnn.getNumChannels();
        }
        if (layer instanceof EmbeddingLayer) {
            return 1; // one index per example
        }
        boolean featureVector = pre == null
                && layer instanceof FeedForwardLayer ff
                && ff.getNIn() > 0
                && !(layer instanceof ConvolutionLayer)
                && !(layer instanceof org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer)
                && !(layer instanceof Bidirectional)
                && !(layer instanceof RnnOutputLayer);
        if (!featureVector) {
            throw InvalidSettingException.mentioning(
                    "model",
                    source,
                    "{model} %s takes %s input (its first layer is a %s), not feature rows; predict reads CSV "
                            + "feature rows only",
                    source,
                    layer instanceof ConvolutionLayer ? "image" : "non-vector",
                    layer.getClass().getSimpleName());
        }
        return ((FeedForwardLayer) layer).getNIn();
    }

    /** Whether the output is a probability vector: the output layer's activation is softmax. */
    public boolean isClassifier() {
        org.deeplearning4j.nn.api.Layer out = model instanceof MultiLayerNetwork net
                ? net.getOutputLayer()
                : ((ComputationGraph) model).getOutputLayer(0);
        Layer conf = out == null ? null : out.conf().getLayer();
        return (conf instanceof BaseOutputLayer || conf instanceof LossLayer)
                && ((BaseLayer) conf).getActivationFn() instanceof ActivationSoftmax;
    }

    /**
     * The model's output for every row, {@code [N, outputs]}, computed by {@link ParallelInference} with
     * {@code workers} replicas on chunks of {@code batchSize} rows (in row order).
     *
     * @throws InvalidSettingException (setting {@code input}) when the rows' width is not the model's input size
     */
    public INDArray predict(FeatureRows rows, Path input, int batchSize, int workers) {
        InvalidSettingException.require(batchSize >= 1, null, "batchSize", batchSize, ">= 1");
        InvalidSettingException.require(workers >= 1, null, "workers", workers, ">= 1");
        long expected = inputWidth();
        if (expected >= 0 && rows.width() != expected) {
            throw InvalidSettingException.mentioning(
                    "input",
                    input,
                    "{input} %s has %s features per row, but the model takes %s inputs; give rows of %s numbers",
                    input,
                    rows.width(),
                    expected,
                    expected);
        }
        ParallelInference inference = new ParallelInference.Builder(model)
                .inferenceMode(InferenceMode.SEQUENTIAL)
                .workers(workers)
                .batchLimit(batchSize)
                .queueLimit(Math.max(64, 2 * workers))
                .build();
        ExecutorService callers = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "sheetlab-predict");
            t.setDaemon(true);
            return t;
        });
        DataType type = dataType();
        try {
            List<Future<INDArray>> chunks = new ArrayList<>();
            for (int from = 0; from < rows.size(); from += batchSize) {
                int start = from;
                int end = Math.min(rows.size(), from + batchSize);
                chunks.add(callers.submit(() -> inference.output(rows.toArray(start, end, type))));
            }
            INDArray[] outputs = new INDArray[chunks.size()];
            for (int i = 0; i < outputs.length; i++) {
                outputs[i] = chunks.get(i).get();
            }
            return outputs.length == 1 ? outputs[0] : Nd4j.concat(0, outputs);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw InvalidSettingException.mentioning(
                    cause,
                    "input",
                    input,
                    "the model cannot take the rows of {input} %s (%s)",
                    input,
                    firstLine(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while predicting", e);
        } finally {
            callers.shutdownNow();
            inference.shutdown();
        }
    }
}

package org.sheetlab.models.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.NdAssert;
import org.sheetlab.testing.ReferenceValues;

/**
 * The loaders against small weight files in Keras' layouts written by the committed script
 * {@code src/test/resources/vision/vgg19_weights.py} from a PyTorch VGG19 (width 1/32, 64×96×3, 5 classes): every
 * parameter lands where the file says, the loaded network computes PyTorch's outputs, and bad files are named.
 *
 * <p>Output tolerance: |DL4J − PyTorch| ≤ 1e-5 + 1e-4·|PyTorch| (both float32; 16 convolutions and 3 dense layers
 * summed in different orders).
 */
class Vgg19WeightsTest {
    private static final ReferenceValues REF = ReferenceValues.load("/vision/vgg19_weights.json");
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    private static Vgg19.Builder small(boolean top) {
        return Vgg19.builder()
                .optWidth(1.0 / 32)
                .optInputSize(64, 96, 3)
                .optClasses(5)
                .optIncludeTop(top);
    }

    private static Path fixture(String name) {
        try {
            return Path.of(Vgg19WeightsTest.class.getResource("/vision/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** x[i] = sin(0.37 i) over the flat (n, c, h, w) index, in double rounded to float, as the script makes it. */
    private static INDArray input() {
        int n = 2 * 3 * 64 * 96;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(0.37 * i);
        }
        return Nd4j.create(x, new long[] {2, 3, 64, 96}, 'c');
    }

    /** Σ_i a_i cos(0.1 i) over the C-order flat index, in double (the script's checksum). */
    private static double checksum(INDArray a) {
        double[] v = a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * Math.cos(0.1 * i);
        }
        return s;
    }

    /** Every loaded layer's W and b equal PyTorch's weights (checksums in PyTorch's layout, element count). */
    private static void assertEveryParameterIsTheFiles(ComputationGraph g, List<String> loaded) {
        JsonNode sums = REF.root().get("checksums");
        for (String name : loaded) {
            Layer l = g.getLayer(name);
            INDArray w = l.getParam("W");
            INDArray torchLayout = w.rank() == 2 ? w.transpose() : w; // dense: DL4J [in, out], PyTorch [out, in]
            JsonNode expected = sums.get(name);
            assertThat(expected).as(name).isNotNull();
            assertThat(l.numParams()).as(name).isEqualTo(expected.get("n").asLong());
            assertThat(checksum(torchLayout))
                    .as(name + " W")
                    .isCloseTo(expected.get("w").asDouble(), within(1e-9));
            assertThat(checksum(l.getParam("b")))
                    .as(name + " b")
                    .isCloseTo(expected.get("b").asDouble(), within(1e-9));
        }
    }

    private static void assertOutputsArePytorchs(ComputationGraph g, boolean top) {
        Map<String, INDArray> acts = g.feedForward(input(), false);
        NdAssert.assertAllClose(
                acts.get("block5_pool").castTo(DataType.DOUBLE),
                ReferenceValues.array(REF.root().get("block5_pool")),
                RTOL,
                ATOL);
        if (top) {
            NdAssert.assertAllClose(
                    acts.get("fc2").castTo(DataType.DOUBLE),
                    ReferenceValues.array(REF.root().get("fc2")),
                    RTOL,
                    ATOL);
            NdAssert.assertAllClose(
                    acts.get("predictions").castTo(DataType.DOUBLE),
                    ReferenceValues.array(REF.root().get("predictions")),
                    RTOL,
                    ATOL);
        }
    }

    @Test
    void keras2WeightsFileWithTopMapsEveryLayerAndGivesPytorchsOutputs() {
        for (boolean fast : new boolean[] {true, false}) {
            ComputationGraph g = small(true).optFastConvolution(fast).init();
            List<String> loaded = Vgg19Weights.loadKeras(fixture("vgg19_w1-32_64x96_keras.h5"), g);
            assertThat(loaded)
                    .containsExactlyElementsOf(Vgg19.layers(true).stream()
                            .filter(n -> n.contains("conv") || n.startsWith("fc") || n.equals("predictions"))
                            .toList());
            assertEveryParameterIsTheFiles(g, loaded);
            // spot checks: DL4J conv W [O, I, kh, kw] is PyTorch's layout; DL4J fc1 row (c, h, w) = 5·6 + 1·3 + 2
            assertThat(g.getLayer("block2_conv1").getParam("W").getDouble(3, 1, 0, 2))
                    .isEqualTo(REF.root().get("block2_conv1_w_3_1_0_2").asDouble());
            assertThat(g.getLayer("fc1").getParam("W").getDouble(35, 7))
                    .isEqualTo(REF.root().get("fc1_w_7_c5h1w2").asDouble());
            assertOutputsArePytorchs(g, true);
        }
    }

    /** Keras 1 weight names (Keras' published notop file) and a full-model file (/model_weights) without the top. */
    @Test
    void legacyNotopAndFullModelFilesLoadTheBlocks() {
        for (String file : List.of("vgg19_w1-32_64x96_legacy_notop.h5", "vgg19_w1-32_64x96_model_notop.h5")) {
            ComputationGraph g = small(false).init();
            List<String> loaded = Vgg19Weights.loadKeras(fixture(file), g);
            assertThat(loaded).as(file).hasSize(16);
            assertEveryParameterIsTheFiles(g, loaded);
            assertOutputsArePytorchs(g, false);
        }
        // a file with the top loads into a network without it (the top is ignored)
        ComputationGraph g = small(false).init();
        assertThat(Vgg19Weights.loadKeras(fixture("vgg19_w1-32_64x96_keras.h5"), g))
                .hasSize(16);
        assertOutputsArePytorchs(g, false);
    }

    @Test
    void aMissingOrMisnamedLayerIsNamedWithTheFileAndNothingIsWritten() {
        ComputationGraph g = small(true).init();
        INDArray before = g.params().dup();
        Path notop = fixture("vgg19_w1-32_64x96_model_notop.h5");
        assertThatThrownBy(() -> Vgg19Weights.loadKeras(notop, g))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notop.toString())
                .hasMessageContaining("no weights for layer 'fc1'")
                .hasMessageContaining("optIncludeTop(false)");
        NdAssert.assertBitIdentical(g.params(), before);

        ComputationGraph tiny = Vgg19.builder()
                .optWidth(0.001)
                .optInputSize(32, 32, 3)
                .optIncludeTop(false)
                .init();
        INDArray tinyBefore = tiny.params().dup();
        Path misnamed = fixture("vgg19_misnamed_notop.h5");
        assertThatThrownBy(() -> Vgg19Weights.loadKeras(misnamed, tiny))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(misnamed.toString())
                .hasMessageContaining("no weights for layer 'block3_conv2'")
                .hasMessageContaining("block3_conv2_renamed");
        NdAssert.assertBitIdentical(tiny.params(), tinyBefore);

        assertThatThrownBy(() -> Vgg19Weights.loadKeras(Path.of("no/such/vgg19.h5"), g))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no/such/vgg19.h5")
                .hasMessageContaining(Vgg19Weights.KERAS_FILE);
    }

    @Test
    void aFileOfAnotherWidthOrInputSizeNamesTheLayerAndBothShapes() {
        ComputationGraph wider = Vgg19.builder()
                .optWidth(1.0 / 16)
                .optInputSize(64, 96, 3)
                .optIncludeTop(false)
                .init();
        Path file = fixture("vgg19_w1-32_64x96_legacy_notop.h5");
        assertThatThrownBy(() -> Vgg19Weights.loadKeras(file, wider))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("layer 'block1_conv1'")
                .hasMessageContaining("[3, 3, 3, 2]")
                .hasMessageContaining("[4, 3, 3, 3]")
                .hasMessageContaining("width multiplier");
        ComputationGraph square = Vgg19.builder()
                .optWidth(1.0 / 32)
                .optInputSize(64, 64, 3)
                .optClasses(5)
                .init();
        assertThatThrownBy(() -> Vgg19Weights.loadKeras(fixture("vgg19_w1-32_64x96_keras.h5"), square))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 'fc1'")
                .hasMessageContaining("[96, 128]")
                .hasMessageContaining("[64, 128]");
    }

    /**
     * The zoo route: a ModelSerializer zip restored from a path, its weights copied by name. A source graph that
     * flattens in Keras' (h, w, c) order (DL4J's Keras import, TensorFlowCnnToFeedForwardPreProcessor) holding the
     * file's raw fc1 kernel computes PyTorch's outputs, and so does the Vgg19 graph its weights are copied into.
     */
    @Test
    void zooZipRestoresFromAPathAndKerasOrderFlattenIsReordered(@TempDir Path dir) throws Exception {
        ComputationGraph loaded = small(true).init();
        Path h5 = fixture("vgg19_w1-32_64x96_keras.h5");
        Vgg19Weights.loadKeras(h5, loaded);
        Path zip = dir.resolve(Vgg19Weights.ZOO_FILE);
        ModelSerializer.writeModel(loaded, zip.toFile(), false);
        ComputationGraph restored = Vgg19Weights.restoreZoo(zip);
        ComputationGraph target = small(true).optSeed(99).init();
        assertThat(Vgg19Weights.copyByName(restored, target)).hasSize(19);
        NdAssert.assertBitIdentical(target.params(), loaded.params());
        java.util.zip.Adler32 a = new java.util.zip.Adler32();
        a.update(Files.readAllBytes(zip));
        assertThat(Vgg19Weights.adler32(zip)).isEqualTo(a.getValue());

        ComputationGraphConfiguration conf = small(true).build();
        conf.getVertices()
                .put(Vgg19.FLATTEN, new PreprocessorVertex(new TensorFlowCnnToFeedForwardPreProcessor(2, 3, 16)));
        ComputationGraph kerasOrder = new ComputationGraph(conf);
        kerasOrder.init();
        for (Layer l : loaded.getLayers()) {
            kerasOrder.getLayer(l.getConfig().getLayerName()).setParams(l.params());
        }
        try (Hdf5Archive archive = new Hdf5Archive(h5.toString())) {
            kerasOrder.getLayer("fc1").getParam("W").assign(archive.readDataSet("kernel:0", "fc1", "fc1"));
        }
        assertOutputsArePytorchs(kerasOrder, true);
        ComputationGraph copied = small(true).optSeed(5).init();
        Vgg19Weights.copyByName(kerasOrder, copied);
        NdAssert.assertBitIdentical(copied.params(), loaded.params());
        assertOutputsArePytorchs(copied, true);

        assertThatThrownBy(() -> Vgg19Weights.restoreZoo(dir.resolve("missing.zip")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.zip")
                .hasMessageContaining(String.valueOf(Vgg19Weights.ZOO_ADLER32))
                .hasMessageContaining(".deeplearning4j");
    }

    @Test
    void checksumsOfAKnownFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("abc.txt");
        Files.writeString(f, "abc");
        assertThat(Vgg19Weights.md5(f)).isEqualTo("900150983cd24fb0d6963f7d28e17f72"); // RFC 1321 test suite
        assertThat(Vgg19Weights.adler32(f)).isEqualTo(0x024d0127L); // Adler-32 of "abc"
        assertThat(Vgg19Weights.zooCacheFile().toString())
                .endsWith(".deeplearning4j/models/vgg19/vgg19_dl4j_inference.zip");
    }
}

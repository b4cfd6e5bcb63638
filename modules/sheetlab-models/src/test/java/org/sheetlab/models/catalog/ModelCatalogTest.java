package org.sheetlab.models.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.models.NetworkBuilder;
import org.sheetlab.models.NetworkSpec;
import org.sheetlab.models.analysis.LayerCount;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.gan.Gan;

class ModelCatalogTest {
    @Test
    void everyEntryBuildsInitialisesAndCountsWhatDl4jAllocates() {
        assertThat(ModelCatalog.names())
                .contains(
                        "final-q5",
                        "final-q5-graph",
                        "pooling-cnn",
                        "sign-rnn",
                        "tanh-rnn",
                        "lstm-rnn",
                        "gru-rnn",
                        "char-lstm",
                        "char-gru",
                        "seq2seq-attention",
                        "seq2seq",
                        "moe",
                        "moe-dense",
                        "vae",
                        "vae-conv",
                        "gan",
                        "gan-conv",
                        "mc-dropout-mlp",
                        "recall-first-mlp",
                        "newton-softmax");
        for (ModelCatalog.Entry e : ModelCatalog.entries()) {
            NetworkBuilder<?> b = e.builder();
            assertThat(b.build()).as(e.name()).isNotNull();
            List<NetworkSpec> networks = b.networks();
            assertThat(networks).as(e.name()).isNotEmpty();
            assertThat(networks.stream().map(NetworkSpec::name).distinct()).hasSameSizeAs(networks);
            for (NetworkSpec n : networks) {
                NetworkCount count = n.count();
                Model net = n.init();
                assertThat(count.totalParameters())
                        .as(e.name() + " " + n.name())
                        .isEqualTo(net.numParams())
                        .isPositive();
                assertActivationsMatchAForwardPass(e.name() + " " + n.name(), n, net, count);
            }
            assertThat(e.description()).as(e.name()).isNotBlank().doesNotContain("\n");
        }
    }

    /** Each row's activations per sample equal the size of that layer's real output on a batch of 2. */
    private static void assertActivationsMatchAForwardPass(String what, NetworkSpec n, Model net, NetworkCount count) {
        List<LayerCount> rows = count.layers();
        if (n instanceof NetworkSpec.MultiLayer m) {
            MultiLayerNetwork mln = (MultiLayerNetwork) net;
            List<INDArray> acts = mln.feedForward(randomBatch(m.input(), mln.params()), false);
            assertThat(acts).as(what).hasSameSizeAs(rows);
            for (int i = 0; i < acts.size(); i++) {
                assertThat(acts.get(i).length() / 2)
                        .as(what + " row " + rows.get(i).name())
                        .isEqualTo(rows.get(i).activationsPerSample());
            }
        } else {
            NetworkSpec.Graph g = (NetworkSpec.Graph) n;
            ComputationGraph graph = (ComputationGraph) net;
            INDArray[] in =
                    g.inputs().stream().map(t -> randomBatch(t, graph.params())).toArray(INDArray[]::new);
            Map<String, INDArray> acts = graph.feedForward(in, false);
            for (LayerCount row : rows) {
                assertThat(acts).as(what).containsKey(row.name());
                assertThat(acts.get(row.name()).length() / 2)
                        .as(what + " vertex " + row.name())
                        .isEqualTo(row.activationsPerSample());
            }
        }
    }

    private static INDArray randomBatch(InputType type, INDArray params) {
        long[] shape = type.getShape(true);
        shape[0] = 2;
        return Nd4j.rand(params.dataType(), shape);
    }

    @Test
    void sheetFiguresAndInputTypes() {
        for (String q5 : List.of("final-q5", "final-q5-graph")) {
            NetworkCount count = ModelCatalog.networks(q5, 400).get(0).count();
            assertThat(count.totalParameters()).as(q5).isEqualTo(151_410);
            assertThat(count.totalActivationsPerSample()).as(q5).isEqualTo(810);
        }
        assertThat(ModelCatalog.inputType("final-q5", 784)).isEqualTo(InputType.feedForward(784));
        assertThat(ModelCatalog.inputType("pooling-cnn", 400)).isEqualTo(InputType.convolutionalFlat(28, 28, 1));
        assertThat(ModelCatalog.inputType("sign-rnn", 400)).isEqualTo(InputType.recurrent(28, 28));
        assertThat(ModelCatalog.inputType("seq2seq", 1)).isEqualTo(InputType.recurrent(28, 10));
        assertThat(total("pooling-cnn", 1)).isEqualTo(46_730);
        assertThat(total("mc-dropout-mlp", 784)).isEqualTo(268_210);
        assertThat(total("newton-softmax", 30)).isEqualTo(62);
        assertThat(ModelCatalog.entry("final-q5").freeInputSize()).isTrue();
        assertThat(ModelCatalog.entry("sign-rnn").freeInputSize()).isFalse();
        assertThat(ModelCatalog.entry("pooling-cnn").defaultInputSize()).isEqualTo(784);
        assertThat(ModelCatalog.networks("seq2seq-attention", 1).get(0)).isInstanceOf(NetworkSpec.Graph.class);
        assertThatThrownBy(() -> ModelCatalog.entry("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model")
                .hasMessageContaining("final-q5");
    }

    private static long total(String name, int n) {
        return ModelCatalog.networks(name, n).stream()
                .mapToLong(s -> s.count().totalParameters())
                .sum();
    }

    /** The GAN's two tables are its generator and its discriminator: the counts equal the Gan's own networks. */
    @Test
    void ganNetworksAreTheGansGeneratorAndDiscriminator() {
        for (String name : List.of("gan", "gan-conv")) {
            Gan.Builder b = (Gan.Builder) ModelCatalog.entry(name).builder();
            List<NetworkSpec> networks = b.networks();
            assertThat(networks).extracting(NetworkSpec::name).containsExactly("generator", "discriminator");
            Gan gan = b.build();
            assertThat(networks.get(0).count().totalParameters())
                    .as(name)
                    .isEqualTo(gan.generatorParams().length());
            assertThat(networks.get(1).count().totalParameters())
                    .as(name)
                    .isEqualTo(gan.discriminator().numParams());
        }
        // the dense GAN's size is free: n = 100 gives G 64·256 + 256 + 256·100 + 100 and D 100·256 + 256 + 256 + 1
        assertThat(total("gan", 100)).isEqualTo((64 * 256 + 256 + 256 * 100 + 100) + (100 * 256 + 256 + 256 + 1));
    }

    /** Every concrete builder class in sheetlab-models has an entry: the catalog cannot fall behind again. */
    @Test
    void everyBuilderClassOfTheModuleHasAnEntry() throws IOException, URISyntaxException {
        Path root = Path.of(NetworkBuilder.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Set<Class<?>> builders;
        try (Stream<Path> files = Files.walk(root)) {
            builders = files.map(p -> root.relativize(p).toString())
                    .filter(p -> p.endsWith(".class"))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .map(ModelCatalogTest::load)
                    .filter(c -> NetworkBuilder.class.isAssignableFrom(c)
                            && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers())
                            && !c.isAnonymousClass())
                    .collect(Collectors.toSet());
        }
        Set<Class<?>> listed = new HashSet<>();
        for (ModelCatalog.Entry e : ModelCatalog.entries()) {
            NetworkBuilder<?> b = e.builder();
            listed.add(b.getClass().isAnonymousClass() ? b.getClass().getEnclosingClass() : b.getClass());
        }
        assertThat(builders).isNotEmpty();
        assertThat(listed).containsAll(builders);
        assertThat(builders).contains(Gan.Builder.class, org.sheetlab.models.attention.Seq2SeqNetwork.Builder.class);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ModelCatalogTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.sheetlab.models.fast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.sheetlab.layers.attention.AdditiveAttention;
import org.sheetlab.layers.attention.ScaledDotProductAttention;
import org.sheetlab.models.attention.Seq2SeqNetwork;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import org.sheetlab.models.gan.Gan;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.models.moe.MoeClassifier;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.vae.VaeNetwork;
import org.sheetlab.testing.FitEquivalence;
import org.sheetlab.train.fast.FastCore;

/**
 * The fast core (sheetlab-train's FastCore) against DL4J's fit on sheetlab's own layers and on the experiments' whole
 * networks: Fast* convolutions and transposed convolutions, max/average/p = 2/p = 3/log-average pooling (PoolingCnn),
 * FastLSTM, GRU, the sign-RNN and SimpleRnn (RowRnnClassifier), the reparameterization layer and its Gaussian NLL
 * (VaeNetwork, dense and convolutional), the mixture of experts (MoeClassifier), the attention layers and vertices
 * (Seq2SeqNetwork with Bahdanau attention and a bidirectional GRU, gradient clipping; AdditiveAttention;
 * ScaledDotProductAttention), the Final Q5 MLP, and the GAN's D and G∘D. Each network trains the same batches through
 * fit and through the core and must end with the same parameters, Adam state and scores to relative 1e-5
 * ({@link FitEquivalence}: max|Δ| over max|value| per array).
 */
class FastCoreNetworksTest {
    private static final double TOLERANCE = 1e-5;

    /** Batches of images x [B, 784] in [0, 1) with one-hot labels that depend on x (its mean, in 10 bins). */
    private static List<MultiDataSet> images(int batches, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        List<MultiDataSet> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
            for (int i = 0; i < batch; i++) {
                double m = x.getRow(i)
                        .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20))
                        .meanNumber()
                        .doubleValue();
                y.putScalar(i, Math.min(9, (int) (m * 10)), 1);
            }
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(x, y));
        }
        return out;
    }

    /** The same images as rows: x [B, 28, 28] (28 features per step, 28 steps). */
    private static List<MultiDataSet> rows(List<MultiDataSet> images) {
        List<MultiDataSet> out = new ArrayList<>();
        for (MultiDataSet d : images) {
            INDArray x = d.getFeatures(0);
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(
                    x.reshape('c', x.size(0), 28, 28).permute(0, 2, 1).dup('c'), d.getLabels(0)));
        }
        return out;
    }

    private static void assertLikeFit(Supplier<Model> factory, List<MultiDataSet> batches) {
        FitEquivalence.assertTrainsLikeFit(factory, m -> FastCore.of(m)::fit, batches, 1, TOLERANCE);
    }

    private static Supplier<Model> mln(Supplier<MultiLayerConfiguration> conf) {
        return () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(conf.get());
            net.init();
            return net;
        };
    }

    @Test
    void poolingCnnWithEveryPoolingKindTrainsLikeFit() {
        List<MultiDataSet> batches = images(3, 8, 1);
        for (PoolingKind kind : PoolingKind.values()) {
            assertLikeFit(
                    mln(() -> PoolingCnn.builder().setPooling(kind).optSeed(3).build()), batches);
        }
    }

    @Test
    void theSheetCnnsMaxAndAveragePoolingRunInsideTheStepLikeFit() {
        List<MultiDataSet> batches = images(4, 16, 2);
        for (PoolingKind kind : new PoolingKind[] {PoolingKind.MAX, PoolingKind.AVG}) {
            List<FastCore> cores = new ArrayList<>();
            FitEquivalence.assertTrainsLikeFit(
                    mln(() -> PoolingCnn.builder().setPooling(kind).optSeed(5).build()),
                    m -> {
                        FastCore core = FastCore.of(m);
                        cores.add(core);
                        return core::fit;
                    },
                    batches,
                    2,
                    TOLERANCE);
            assertThat(cores.get(0).pooling())
                    .as(kind + ": the step computes both poolings itself")
                    .hasValueSatisfying(d -> assertThat(d).contains("pool1").contains("pool2"));
        }
    }

    @Test
    void theFirstConvolutionSkipsItsInputGradientOnlyInsideTheStep() {
        MultiLayerNetwork net = new MultiLayerNetwork(
                PoolingCnn.builder().setPooling(PoolingKind.MAX).optSeed(3).build());
        net.init();
        MultiLayerNetwork ref = net.clone();
        MultiDataSet d = images(1, 8, 4).get(0);
        FastCore.of(net).fit(d);
        // after the step the layer is back to computing its input gradient: the same as an untouched copy's
        ref.setParams(net.params());
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr ws =
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray x = d.getFeatures(0).reshape('c', 8, 1, 28, 28);
        INDArray[] eps = new INDArray[2];
        MultiLayerNetwork[] nets = {net, ref};
        for (int i = 0; i < 2; i++) {
            org.deeplearning4j.nn.api.Layer l = nets[i].getLayer(0);
            l.setInput(x, ws);
            INDArray out = l.activate(true, ws);
            Nd4j.getRandom().setSeed(9);
            eps[i] = l.backpropGradient(Nd4j.rand(DataType.FLOAT, out.shape()), ws)
                    .getSecond();
        }
        assertThat(eps[0].amaxNumber().doubleValue()).isPositive();
        assertThat(FitEquivalence.relative(eps[0], eps[1])).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void recurrentCellsTrainLikeFit() {
        List<MultiDataSet> batches = rows(images(3, 8, 2));
        for (RowRnnClassifier.Cell cell : RowRnnClassifier.Cell.values()) {
            assertLikeFit(
                    mln(() -> RowRnnClassifier.builder()
                            .setCell(cell)
                            .optHidden(16)
                            .optSeed(4)
                            .build()),
                    batches);
        }
    }

    @Test
    void vaesWithTheReparameterizationLayerTrainLikeFit() {
        List<MultiDataSet> batches = new ArrayList<>();
        for (MultiDataSet d : images(3, 8, 3)) {
            batches.add(new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(0), d.getFeatures(0)));
        }
        assertLikeFit(
                mln(() -> VaeNetwork.builder().setInputSize(784).optSeed(5).build()), batches);
        // the dense VAE through the dense path, its reparameterization layer as host loops between the dense layers
        Model vae = mln(() -> VaeNetwork.builder().setInputSize(784).optSeed(5).build())
                .get();
        FastCore core = FastCore.of(vae, FastCore.DensePathMode.DENSE);
        assertThat(core.densePath().orElseThrow())
                .contains("dense path over layer 0 'encoder' (DenseLayer)", "layer 4 'reconstruction' (OutputLayer)")
                .contains("as host loops: layer 2 'z' (Reparameterization)", "products: ")
                .doesNotContain("their own passes");
        core.fit(batches.get(0));
        assertThat(core.lastStepDense()).isTrue();
        assertLikeFit(
                mln(() -> VaeNetwork.builder()
                        .setInputSize(784)
                        .optGaussianDecoder(0.5)
                        .optBeta(2)
                        .optSeed(5)
                        .build()),
                batches);
        assertLikeFit(
                mln(() -> VaeNetwork.builder()
                        .setInputSize(784)
                        .optConvolutional(true)
                        .optChannels(4, 8)
                        .optSeed(5)
                        .build()),
                batches);
    }

    @Test
    void mixtureOfExpertsAndFinalQ5TrainLikeFit() {
        List<MultiDataSet> batches = images(3, 16, 4);
        assertLikeFit(
                mln(() -> MoeClassifier.builder()
                        .setInputSize(784)
                        .setKind(MoeClassifier.Kind.MOE)
                        .optExperts(3)
                        .optExpertSize(16)
                        .optTopK(2)
                        .optLoadBalancing(0.01)
                        .optSeed(6)
                        .build()),
                batches);
        assertLikeFit(
                mln(() -> FinalQ5Network.builder().setInputSize(784).optSeed(7).build()), batches);
    }

    @Test
    void attentionLayersAndTheSeq2SeqGraphTrainLikeFit() {
        int v = 5;
        int t = 6;
        Nd4j.getRandom().setSeed(8);
        List<MultiDataSet> batches = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            INDArray src = Nd4j.zeros(DataType.FLOAT, 4, v, t);
            INDArray prev = Nd4j.zeros(DataType.FLOAT, 4, v, t);
            INDArray out = Nd4j.zeros(DataType.FLOAT, 4, v, t);
            for (int i = 0; i < 4; i++) {
                for (int s = 0; s < t; s++) {
                    int k = (int) (Nd4j.getRandom().nextDouble() * v);
                    src.putScalar(new int[] {i, k, s}, 1);
                    out.putScalar(new int[] {i, k, t - 1 - s}, 1);
                }
                for (int s = 1; s < t; s++) {
                    prev.putScalar(new int[] {i, (int) (Nd4j.getRandom().nextDouble() * v), s}, 1);
                }
            }
            batches.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {src, prev}, new INDArray[] {out}));
        }
        assertLikeFit(
                () -> {
                    ComputationGraph g = new ComputationGraph(Seq2SeqNetwork.builder()
                            .setVocabularySize(v)
                            .setSteps(t)
                            .optHidden(8)
                            .optAttentionSize(4)
                            .optAttention(true)
                            .optSeed(9)
                            .build());
                    g.init();
                    return g;
                },
                batches);
        List<MultiDataSet> seqs = new ArrayList<>();
        for (MultiDataSet d : batches) {
            seqs.add(new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(0), d.getLabels(0)));
        }
        for (boolean additive : new boolean[] {true, false}) {
            assertLikeFit(
                    mln(() -> new NeuralNetConfiguration.Builder()
                            .seed(10)
                            .weightInit(WeightInit.XAVIER)
                            .updater(new Adam(1e-2))
                            .list()
                            .layer(
                                    additive
                                            ? new AdditiveAttention.Builder()
                                                    .nIn(v)
                                                    .nOut(v)
                                                    .attentionSize(4)
                                                    .build()
                                            : new ScaledDotProductAttention.Builder()
                                                    .nIn(v)
                                                    .nOut(v)
                                                    .heads(2)
                                                    .headSize(3)
                                                    .build())
                            .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT)
                                    .nOut(v)
                                    .activation(Activation.SOFTMAX)
                                    .build())
                            .setInputType(InputType.recurrent(v, t))
                            .build()),
                    seqs);
        }
    }

    @Test
    void theGansDiscriminatorAndStackedNetworkTrainLikeFit() {
        for (Gan.Architecture arch : Gan.Architecture.values()) {
            Gan fit = Gan.builder()
                    .optArchitecture(arch)
                    .optHidden(32)
                    .optSeed(11)
                    .build();
            Gan fast = Gan.builder()
                    .optArchitecture(arch)
                    .optHidden(32)
                    .optSeed(11)
                    .build();
            assertThat(fit.useSteps("fit")).containsKeys("discriminator", "generator");
            Map<String, Object> chosen = fast.useSteps("fast");
            assertThat(chosen.toString()).doesNotContain("reason");
            if (arch == Gan.Architecture.DENSE) {
                // D and G∘D through the dense path (G∘D's discriminator layers frozen: no weight gradients)
                assertThat(chosen.get("discriminator").toString()).contains("densePath=dense path over layer 0");
                assertThat(chosen.get("generator").toString())
                        .contains("densePath=dense path over layer 0", "layer 3")
                        .doesNotContain("their own passes");
            }
            List<MultiDataSet> batches = images(3, 8, 12);
            for (int i = 0; i < batches.size(); i++) {
                Nd4j.getRandom().setSeed(100 + i);
                Gan.Step a = fit.step(batches.get(i).getFeatures(0));
                Nd4j.getRandom().setSeed(100 + i);
                Gan.Step b = fast.step(batches.get(i).getFeatures(0));
                assertThat(b.discriminatorLoss())
                        .isCloseTo(
                                a.discriminatorLoss(),
                                org.assertj.core.data.Offset.offset(1e-5 * Math.abs(a.discriminatorLoss()) + 1e-7));
                assertThat(b.generatorLoss())
                        .isCloseTo(
                                a.generatorLoss(),
                                org.assertj.core.data.Offset.offset(1e-5 * Math.abs(a.generatorLoss()) + 1e-7));
                assertThat(b.dReal()).isCloseTo(a.dReal(), org.assertj.core.data.Offset.offset(1e-5));
                assertThat(b.dFake()).isCloseTo(a.dFake(), org.assertj.core.data.Offset.offset(1e-5));
            }
            for (boolean d : new boolean[] {true, false}) {
                MultiLayerNetwork x = d ? fit.discriminator() : fit.stacked();
                MultiLayerNetwork y = d ? fast.discriminator() : fast.stacked();
                assertThat(FitEquivalence.relative(x.params(), y.params())).isLessThanOrEqualTo(TOLERANCE);
                assertThat(FitEquivalence.relative(
                                x.getUpdater().getStateViewArray(),
                                y.getUpdater().getStateViewArray()))
                        .isLessThanOrEqualTo(TOLERANCE);
                assertThat(y.getIterationCount())
                        .isEqualTo(x.getIterationCount())
                        .isEqualTo(3);
            }
        }
    }
}

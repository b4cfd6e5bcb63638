package org.sheetlab.experiments.fast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.models.moe.MoeClassifier;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.vae.VaeNetwork;
import org.sheetlab.testing.FitEquivalence;
import org.sheetlab.train.fast.FastCore;
import org.sheetlab.train.fast.StepSelection;

/**
 * The fast step against DL4J's fit on real batches (issue 20): the experiments' networks, as their builders make them,
 * train the first Fashion-MNIST training batches through fit and through {@link FastCore}, in FLOAT, and must end with
 * the same parameters, updater state and scores to relative 1e-5; and {@code --step auto} picks the fast step for
 * each. One network per layer type: max/average/p-pooling/log-average pooling and the Fast* convolutions (the pooling
 * CNN), LSTM/GRU/sign-RNN/SimpleRnn (the row RNN), the reparameterization layer with Bernoulli and Gaussian decoders
 * and the transposed convolutions (the VAEs), the mixture of experts, the dense MLP. (sheetlab-models'
 * FastCoreNetworksTest covers the attention graph and the GAN on synthetic batches.)
 */
class FastStepOnFashionMnistTest {
    private static final double TOLERANCE = 1e-5;
    private static List<MultiDataSet> images;

    @BeforeAll
    static void load() {
        var it = FashionMnist.loadOrFetch(null).train().orderedIterator(16);
        images = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            DataSet d = it.next();
            assertThat(d.getFeatures().dataType()).isEqualTo(DataType.FLOAT);
            images.add(new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(), d.getLabels()));
        }
    }

    private static Supplier<Model> mln(Supplier<MultiLayerConfiguration> conf) {
        return () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(conf.get());
            net.init();
            return net;
        };
    }

    private static void assertFastAndLikeFit(String what, Supplier<Model> factory, List<MultiDataSet> batches) {
        StepSelection auto = StepSelection.choose(factory.get(), "auto");
        assertThat(auto.kind())
                .as(what + ": --step auto picks the fast step (" + auto.reason() + ")")
                .isIn("fast", "dense");
        FitEquivalence.Result r =
                FitEquivalence.assertTrainsLikeFit(factory, m -> FastCore.of(m)::fit, batches, 2, TOLERANCE);
        assertThat(r.fitScore()).as(what + ": a finite loss").isFinite();
    }

    @Test
    void poolingCnnsTrainLikeFit() {
        for (PoolingKind kind : PoolingKind.values()) {
            assertFastAndLikeFit(
                    "pooling " + kind,
                    mln(() -> PoolingCnn.builder().setPooling(kind).optSeed(3).build()),
                    images);
        }
    }

    @Test
    void rowRnnsTrainLikeFit() {
        List<MultiDataSet> rows = new ArrayList<>();
        for (MultiDataSet d : images) {
            INDArray x = d.getFeatures(0);
            rows.add(new org.nd4j.linalg.dataset.MultiDataSet(
                    x.reshape('c', x.size(0), 28, 28).permute(0, 2, 1).dup('c'), d.getLabels(0)));
        }
        for (RowRnnClassifier.Cell cell : RowRnnClassifier.Cell.values()) {
            assertFastAndLikeFit(
                    "row RNN " + cell,
                    mln(() -> RowRnnClassifier.builder()
                            .setCell(cell)
                            .optHidden(32)
                            .optSeed(4)
                            .build()),
                    rows);
        }
    }

    @Test
    void vaesTrainLikeFit() {
        List<MultiDataSet> own = new ArrayList<>();
        for (MultiDataSet d : images) {
            own.add(new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(0), d.getFeatures(0)));
        }
        assertFastAndLikeFit(
                "dense VAE",
                mln(() -> VaeNetwork.builder().setInputSize(784).optSeed(5).build()),
                own);
        assertFastAndLikeFit(
                "Gaussian VAE",
                mln(() -> VaeNetwork.builder()
                        .setInputSize(784)
                        .optGaussianDecoder(0.5)
                        .optSeed(5)
                        .build()),
                own);
        assertFastAndLikeFit(
                "convolutional VAE",
                mln(() -> VaeNetwork.builder()
                        .setInputSize(784)
                        .optConvolutional(true)
                        .optSeed(5)
                        .build()),
                own);
    }

    @Test
    void mixtureOfExpertsAndTheMlpTrainLikeFit() {
        assertFastAndLikeFit(
                "mixture of experts",
                mln(() -> MoeClassifier.builder()
                        .setInputSize(784)
                        .setKind(MoeClassifier.Kind.MOE)
                        .optSeed(6)
                        .build()),
                images);
        assertFastAndLikeFit(
                "Final Q5 MLP",
                mln(() -> FinalQ5Network.builder().setInputSize(784).optSeed(7).build()),
                images);
    }
}

package org.sheetlab.models.gan;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.sheetlab.core.loss.SaturatingGeneratorLoss;

/**
 * Sheet, GAN: a dense generator G: z [B, k] ~ N(0, I) → Dense(h, ReLU) → Dense(n, sigmoid) = x̂ [B, n], and a dense
 * discriminator D: x [B, n] → Dense(h, LeakyReLU 0.2) → sigmoid [B, 1], trained by {@link #step}, the alternating
 * update written once:
 * <ol>
 *   <li>discriminator: one fit of D on the real batch (target r, 0.9 with one-sided label smoothing) and as many
 *       fresh fakes G(z) (target f, 0.1 with two-sided smoothing, else 0), binary cross-entropy; G is not
 *       touched;</li>
 *   <li>generator: one fit of the stacked network G∘D on fresh z, whose D layers are {@code FrozenLayerWithBackprop}
 *       copies of the discriminator just trained (gradients flow through them to G, their parameters never change),
 *       with the non-saturating loss −log D(G(z)) (cross-entropy with target 1) or the saturating min-max loss
 *       log(1 − D(G(z))) ({@link SaturatingGeneratorLoss}).</li>
 * </ol>
 * The two networks ({@link #discriminator()}, {@link #stacked()}) hold their own Adam states. Ablations of the
 * sheet's advice: ReLU instead of LeakyReLU in D ({@code optReluDiscriminator}), no smoothing, the saturating loss.
 *
 * <p>Defaults: k = 64, h = 256, n = 784, non-saturating loss, one-sided smoothing (r = 0.9, f = 0), Adam(2e-4, β₁ =
 * 0.5) for both, FLOAT, seed 42.
 */
public final class DenseGan {
    /** The generator's loss. */
    public enum GeneratorLoss {
        NON_SATURATING,
        SATURATING
    }

    /** One alternating step's figures: the losses before the updates, and D's mean outputs on real and fake data. */
    public record Step(double discriminatorLoss, double generatorLoss, double dReal, double dFake) {}

    private final Builder settings;
    private MultiLayerNetwork discriminator;
    private MultiLayerNetwork stacked;
    private final int generatorLayers = 2;
    private final long generatorParams;

    private DenseGan(Builder b) {
        this.settings = b;
        this.discriminator = new MultiLayerNetwork(b.discriminatorConf());
        discriminator.init();
        this.stacked = new MultiLayerNetwork(b.stackedConf());
        stacked.init();
        this.generatorParams = stacked.numParams() - discriminator.numParams();
        syncDiscriminator();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Continues with networks restored from a checkpoint (the same configurations, with their updater states). */
    public void restore(MultiLayerNetwork stackedNetwork, MultiLayerNetwork discriminatorNetwork) {
        if (stackedNetwork.numParams() != stacked.numParams()
                || discriminatorNetwork.numParams() != discriminator.numParams()) {
            throw new IllegalArgumentException("DenseGan.restore: the networks do not match this GAN's configuration");
        }
        this.stacked = stackedNetwork;
        this.discriminator = discriminatorNetwork;
    }

    public MultiLayerNetwork discriminator() {
        return discriminator;
    }

    /** G followed by frozen copies of D's layers; its first two layers are the generator. */
    public MultiLayerNetwork stacked() {
        return stacked;
    }

    /** G's parameters (a view into the stacked network). */
    public INDArray generatorParams() {
        return stacked.params().get(NDArrayIndex.interval(0, generatorParams));
    }

    /** The frozen discriminator copy inside the stacked network (a view). */
    public INDArray frozenDiscriminatorParams() {
        return stacked.params().get(NDArrayIndex.interval(generatorParams, stacked.numParams()));
    }

    /** x̂ = G(z) for z [B, k], in inference mode. */
    public INDArray generate(INDArray z) {
        return stacked.activateSelectedLayers(
                0, generatorLayers - 1, z.castTo(stacked.params().dataType()));
    }

    /** z ~ N(0, I), [B, k], from ND4J's generator. */
    public INDArray sampleLatent(long b) {
        return Nd4j.randn(stacked.params().dataType(), b, settings.latent);
    }

    private void syncDiscriminator() {
        frozenDiscriminatorParams().assign(discriminator.params());
    }

    private static INDArray column(DataType t, long b, double v) {
        return Nd4j.valueArrayOf(new long[] {b, 1}, v, t);
    }

    /** One discriminator update and one generator update on the real batch x [B, n] (values in [0, 1]). */
    public Step step(INDArray real) {
        long b = real.size(0);
        DataType t = discriminator.params().dataType();
        INDArray fake = generate(sampleLatent(b));
        INDArray x = Nd4j.vstack(real.castTo(t), fake);
        INDArray y = Nd4j.vstack(column(t, b, settings.realLabel), column(t, b, settings.fakeLabel));
        double dReal = discriminator.output(real.castTo(t)).meanNumber().doubleValue();
        double dFake = discriminator.output(fake).meanNumber().doubleValue();
        discriminator.fit(x, y);
        double dLoss = discriminator.score();
        syncDiscriminator();
        INDArray z = sampleLatent(b);
        INDArray target = column(t, b, 1.0); // ignored by the saturating loss
        stacked.fit(z, target);
        return new Step(dLoss, stacked.score(), dReal, dFake);
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder {
        private int latent = 64;
        private int hidden = 256;
        private int size = 784;
        private GeneratorLoss loss = GeneratorLoss.NON_SATURATING;
        private double realLabel = 0.9;
        private double fakeLabel = 0.0;
        private boolean reluDiscriminator;
        private long seed = 42;
        private double learningRate = 2e-4;
        private DataType dataType = DataType.FLOAT;

        public Builder optLatent(int k) {
            this.latent = k;
            return this;
        }

        public Builder optHidden(int h) {
            this.hidden = h;
            return this;
        }

        /** n, the data size (784 for Fashion-MNIST). */
        public Builder optSize(int n) {
            this.size = n;
            return this;
        }

        public Builder optGeneratorLoss(GeneratorLoss loss) {
            this.loss = loss;
            return this;
        }

        /** Targets for D: real r and fake f (1 and 0: no smoothing; 0.9 and 0: one-sided; 0.9 and 0.1: two-sided). */
        public Builder optLabels(double real, double fake) {
            this.realLabel = real;
            this.fakeLabel = fake;
            return this;
        }

        /** The ablation: ReLU instead of LeakyReLU in the discriminator. */
        public Builder optReluDiscriminator(boolean relu) {
            this.reluDiscriminator = relu;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optLearningRate(double lr) {
            this.learningRate = lr;
            return this;
        }

        public Builder optDataType(DataType t) {
            this.dataType = t;
            return this;
        }

        public DenseGan build() {
            if (latent < 1
                    || hidden < 1
                    || size < 1
                    || !(realLabel > fakeLabel)
                    || realLabel > 1
                    || fakeLabel < 0
                    || !(learningRate > 0)) {
                throw new IllegalStateException("DenseGan: sizes >= 1, 0 <= fake label < real label <= 1 and a "
                        + "positive learning rate required; got latent " + latent + ", hidden " + hidden + ", size "
                        + size + ", labels " + realLabel + "/" + fakeLabel + ", learning rate " + learningRate);
            }
            return new DenseGan(this);
        }

        private NeuralNetConfiguration.ListBuilder base() {
            return new NeuralNetConfiguration.Builder()
                    .seed(seed)
                    .dataType(dataType)
                    .updater(new Adam(learningRate, 0.5, 0.999, 1e-8))
                    .weightInit(WeightInit.XAVIER)
                    .list();
        }

        private DenseLayer discriminatorHidden() {
            return new DenseLayer.Builder()
                    .nIn(size)
                    .nOut(hidden)
                    .activation(
                            reluDiscriminator
                                    ? new org.nd4j.linalg.activations.impl.ActivationReLU()
                                    : new ActivationLReLU(0.2))
                    .build();
        }

        private OutputLayer discriminatorOutput(ILossFunction lossFunction) {
            return new OutputLayer.Builder()
                    .lossFunction(lossFunction)
                    .nIn(hidden)
                    .nOut(1)
                    .activation(Activation.SIGMOID)
                    .build();
        }

        MultiLayerConfiguration discriminatorConf() {
            return base().layer(discriminatorHidden())
                    .layer(discriminatorOutput(new LossBinaryXENT()))
                    .setInputType(InputType.feedForward(size))
                    .build();
        }

        MultiLayerConfiguration stackedConf() {
            ILossFunction g = loss == GeneratorLoss.SATURATING ? new SaturatingGeneratorLoss() : new LossBinaryXENT();
            return base().layer(new DenseLayer.Builder()
                            .nIn(latent)
                            .nOut(hidden)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new DenseLayer.Builder()
                            .nIn(hidden)
                            .nOut(size)
                            .activation(Activation.SIGMOID)
                            .build())
                    .layer(new FrozenLayerWithBackprop(discriminatorHidden()))
                    .layer(new FrozenLayerWithBackprop(discriminatorOutput(g)))
                    .setInputType(InputType.feedForward(latent))
                    .build();
        }
    }
}

package org.sheetlab.models.gan;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.sheetlab.core.loss.SaturatingGeneratorLoss;
import org.sheetlab.layers.conv.FastConvolution2D;
import org.sheetlab.layers.conv.FastDeconvolution2D;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.NetworkBuilder;
import org.sheetlab.models.NetworkSpec;
import org.sheetlab.train.fast.FastCore;
import org.sheetlab.train.fast.StepSelection;

/**
 * Sheet, GAN: a generator G and a discriminator D trained by {@link #step}, the alternating update written once.
 *
 * <p>Two architectures ({@link Architecture}):
 * <ul>
 *   <li>{@code DENSE}: G: z [B, k] ~ N(0, I) → Dense(h, ReLU) → Dense(n, sigmoid) = x̂ [B, n]; D: x [B, n] →
 *       Dense(h, LeakyReLU 0.2) → Dense(1, sigmoid) [B, 1].</li>
 *   <li>{@code CONVOLUTIONAL} (DCGAN-style, 28×28 images, n = 784): G: z [B, k] → Dense(c₂·7·7, ReLU) → [B, c₂, 7,
 *       7] → Deconv(c₁, 4×4, stride 2, ReLU) [B, c₁, 14, 14] → Deconv(1, 4×4, stride 2, sigmoid) [B, 1, 28, 28]; D:
 *       x [B, 784] as [B, 1, 28, 28] → Conv(c₁, 3×3, same, LeakyReLU 0.2) → AvgPool 2×2 [B, c₁, 14, 14] → Conv(c₂,
 *       3×3, same, LeakyReLU 0.2) → AvgPool 2×2 [B, c₂, 7, 7] → Dense(1, sigmoid) [B, 1]. As the sheet advises, D
 *       uses LeakyReLU and average pooling, which pass gradient to every input, where ReLU and max pooling pass it to
 *       few (the ablation, {@code optReluDiscriminator}). No batch normalization: G samples in inference mode, and
 *       at this size Adam(2e-4, β₁ = 0.5) trains without it.</li>
 * </ul>
 *
 * <p>The step:
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
 * sheet's advice: ReLU (and max pooling) instead of LeakyReLU (and average pooling) in D, no smoothing, the saturating
 * loss. z is drawn from ND4J's generator: seed it for repeatable runs (the harness seeds it per batch).
 *
 * <p>Defaults: dense, k = 64, h = 256, n = 784, c₁ = 32, c₂ = 64, non-saturating loss, one-sided smoothing (r = 0.9,
 * f = 0), Adam(2e-4, β₁ = 0.5) for both, Xavier initialisation, FLOAT, seed 42.
 *
 * <p>The builder is a {@link NetworkBuilder}{@code <Gan>}: {@code build()} gives the initialised Gan, its input type
 * is that of the data (feedForward(n), or convolutionalFlat(28, 28, 1)), and {@code networks()} lists the model's two
 * networks for counting: "generator" (G alone, z [B, k] → x̂) and "discriminator" (D, x → [B, 1]). Their parameters
 * sum to the GAN's trainable parameters (the stacked network's frozen copy of D is a copy, not counted again).
 */
public final class Gan {
    /** The generator's loss. */
    public enum GeneratorLoss {
        NON_SATURATING,
        SATURATING
    }

    /** Dense layers, or the DCGAN-style convolutional pair for 28×28 images. */
    public enum Architecture {
        DENSE,
        CONVOLUTIONAL
    }

    /** One alternating step's figures: the losses before the updates, and D's mean outputs on real and fake data. */
    public record Step(double discriminatorLoss, double generatorLoss, double dReal, double dFake) {}

    private final Builder settings;
    private MultiLayerNetwork discriminator;
    private MultiLayerNetwork stacked;
    private final int generatorLayers;
    private final long generatorParams;
    /** The training step per network ({@code --step}): fit until {@link #useSteps} says otherwise. */
    private String stepMode = "fit";
    /** D's and G∘D's fast cores (null: that network trains through fit). */
    private FastCore discriminatorCore;

    private FastCore stackedCore;

    /**
     * Whether {@link #step} keeps its arrays from step to step ({@code -Dsheetlab.fast.ganBuffers=false}: fresh ones,
     * as before): D's input [2B, n] with the real images in its first half and G's output written straight into the
     * second, D's label column and G∘D's target column. The same values either way.
     */
    static final boolean KEEP_BUFFERS = !"false".equals(System.getProperty("sheetlab.fast.ganBuffers"));

    private final boolean keepBuffers;

    /** The kept arrays of one batch size b (see {@link #KEEP_BUFFERS}). */
    private record StepBuffers(INDArray x, INDArray realHalf, INDArray fakeHalf, INDArray labels, INDArray target) {}

    private StepBuffers stepBuffers;

    private Gan(Builder b) {
        this(b, KEEP_BUFFERS);
    }

    /** With {@code keepBuffers} instead of {@link #KEEP_BUFFERS} (tests compare both). */
    Gan(Builder b, boolean keepBuffers) {
        this.keepBuffers = keepBuffers;
        this.settings = b;
        this.discriminator = new MultiLayerNetwork(b.discriminatorConf());
        discriminator.init();
        this.stacked = new MultiLayerNetwork(b.stackedConf());
        stacked.init();
        this.generatorLayers = b.generatorLayers().length;
        this.generatorParams = stacked.numParams() - discriminator.numParams();
        syncDiscriminator();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Architecture architecture() {
        return settings.architecture;
    }

    /** Continues with networks restored from a checkpoint (the same configurations, with their updater states). */
    public void restore(MultiLayerNetwork stackedNetwork, MultiLayerNetwork discriminatorNetwork) {
        if (stackedNetwork.numParams() != stacked.numParams()
                || discriminatorNetwork.numParams() != discriminator.numParams()) {
            throw new IllegalArgumentException("Gan.restore: the networks do not match this GAN's configuration ("
                    + stacked.numParams() + " and " + discriminator.numParams() + " parameters expected, got "
                    + stackedNetwork.numParams() + " and " + discriminatorNetwork.numParams() + ")");
        }
        this.stacked = stackedNetwork;
        this.discriminator = discriminatorNetwork;
        useSteps(stepMode);
    }

    /**
     * Trains D and G∘D through the fast core ({@link FastCore}: their own layers' passes, then the vectorised Adam
     * over the flat views) where {@code mode} ({@code auto}, {@code fast} or {@code fit}) and each network allow,
     * else through fit; returns each network's choice ({@code discriminator}, {@code generator}: kind and reason) as
     * run.json records it. An unsupported network under {@code fast} is an IllegalArgumentException naming why.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> useSteps(String mode) {
        Map<String, Object> record = new LinkedHashMap<>();
        discriminatorCore = StepSelection.core(discriminator, mode, "discriminator", record);
        if (discriminatorCore != null) {
            discriminatorCore.keepOutputs(); // D(x) from the update's own forward pass (see step)
        }
        if (record.get("discriminator") instanceof Map<?, ?> d) {
            // D's input, labels and G∘D's target: kept from step to step, or fresh (-Dsheetlab.fast.ganBuffers=false)
            ((Map<String, Object>) d).put("stepArrays", keepBuffers ? "kept" : "fresh");
        }
        stackedCore = StepSelection.core(stacked, mode, "generator", record);
        stepMode = mode;
        return record;
    }

    public MultiLayerNetwork discriminator() {
        return discriminator;
    }

    /** G followed by frozen copies of D's layers; its first {@link #generatorLayers()} layers are the generator. */
    public MultiLayerNetwork stacked() {
        return stacked;
    }

    /** The number of generator layers at the front of {@link #stacked()}. */
    public int generatorLayers() {
        return generatorLayers;
    }

    /** G's parameters (a view into the stacked network). */
    public INDArray generatorParams() {
        return stacked.params().get(NDArrayIndex.interval(0, generatorParams));
    }

    /** The frozen discriminator copy inside the stacked network (a view). */
    public INDArray frozenDiscriminatorParams() {
        return stacked.params().get(NDArrayIndex.interval(generatorParams, stacked.numParams()));
    }

    /** x̂ = G(z) [B, n] for z [B, k], in inference mode (the convolutional G's [B, 1, 28, 28] flattened). */
    public INDArray generate(INDArray z) {
        return generate(z, null);
    }

    /** {@link #generate(INDArray)}, written into {@code target} [B, n] where the fast core can (then returned). */
    private INDArray generate(INDArray z, INDArray target) {
        INDArray in = z.castTo(stacked.params().dataType());
        INDArray out;
        if (stackedCore != null) {
            // G's layers through the fast core (its dense path's kernels where it has one)
            out = target != null
                    ? stackedCore.activate(in, generatorLayers - 1, target)
                    : stackedCore.activate(in, generatorLayers - 1);
        } else {
            // activateSelectedLayers reads the batch size from the network's input. (Not MultiLayerNetwork.clear()
            // afterwards: it drops the solver, and with it the Adam state of a network in training.)
            stacked.setInput(in);
            out = stacked.activateSelectedLayers(0, generatorLayers - 1, in);
        }
        return out.rank() == 2 ? out : out.reshape('c', out.size(0), out.length() / out.size(0));
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

    /** The means of d[0, b) and d[b, 2b) of D's [2b, 1] outputs. */
    private static double[] halfMeans(INDArray d, long b) {
        return new double[] {
            d.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()).meanNumber().doubleValue(),
            d.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all())
                    .meanNumber()
                    .doubleValue()
        };
    }

    /** The means of d[0, b) and d[b, 2b), summed in double. */
    private static double[] halfMeans(float[] d, long b) {
        double real = 0;
        double fake = 0;
        for (int i = 0; i < b; i++) {
            real += d[i];
            fake += d[(int) b + i];
        }
        return new double[] {real / b, fake / b};
    }

    /** The kept arrays for batch size b (made on first use and when b or the data type changes). */
    private StepBuffers stepBuffers(long b, DataType t) {
        StepBuffers k = stepBuffers;
        if (k == null || k.target.size(0) != b || k.x.dataType() != t) {
            INDArray x = Nd4j.create(t, new long[] {2 * b, settings.size}, 'c');
            k = new StepBuffers(
                    x,
                    x.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()),
                    x.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()),
                    Nd4j.vstack(column(t, b, settings.realLabel), column(t, b, settings.fakeLabel)),
                    column(t, b, 1.0));
            stepBuffers = k;
        }
        return k;
    }

    /** One discriminator update and one generator update on the real batch x [B, n] (values in [0, 1]). */
    public Step step(INDArray real) {
        if (real.rank() != 2 || real.size(1) != settings.size) {
            throw new IllegalArgumentException("Gan.step: real images must be [batch, " + settings.size
                    + "] (flattened, values in [0, 1]); got " + java.util.Arrays.toString(real.shape()));
        }
        long b = real.size(0);
        DataType t = discriminator.params().dataType();
        INDArray x;
        INDArray y;
        StepBuffers kept = keepBuffers ? stepBuffers(b, t) : null;
        if (kept != null) {
            INDArray fake = generate(sampleLatent(b), kept.fakeHalf);
            if (fake != kept.fakeHalf) {
                kept.fakeHalf.assign(fake);
            }
            kept.realHalf.assign(real.castTo(t));
            x = kept.x;
            y = kept.labels;
        } else {
            INDArray fake = generate(sampleLatent(b));
            x = Nd4j.vstack(real.castTo(t), fake);
            y = Nd4j.vstack(column(t, b, settings.realLabel), column(t, b, settings.fakeLabel));
        }
        // D's mean outputs on the real and fake halves, before its update: from the fast step's own forward pass
        // where it keeps them (a sigmoid output with cross-entropy), else from a forward pass of their own
        boolean fromStep = discriminatorCore != null && discriminatorCore.keepsOutputs();
        double[] means = fromStep ? null : halfMeans(discriminator.output(x), b);
        if (discriminatorCore != null) {
            discriminatorCore.fit(x, y);
        } else {
            discriminator.fit(x, y);
        }
        if (fromStep) {
            float[] out = discriminatorCore.lastOutputs();
            if (out == null || out.length != 2 * b) {
                throw new IllegalStateException("Gan.step: the discriminator's fast step kept no outputs");
            }
            means = halfMeans(out, b);
        }
        double dReal = means[0];
        double dFake = means[1];
        double dLoss = discriminator.score();
        syncDiscriminator();
        INDArray z = sampleLatent(b);
        INDArray target = kept != null ? kept.target : column(t, b, 1.0); // ignored by the saturating loss
        if (stackedCore != null) {
            stackedCore.fit(z, target);
        } else {
            stacked.fit(z, target);
        }
        return new Step(dLoss, stacked.score(), dReal, dFake);
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements NetworkBuilder<Gan> {
        private static final String OWNER = "Gan";
        private Architecture architecture = Architecture.DENSE;
        private int latent = 64;
        private int hidden = 256;
        private int size = 784;
        private int[] channels = {32, 64};
        private GeneratorLoss loss = GeneratorLoss.NON_SATURATING;
        private double realLabel = 0.9;
        private double fakeLabel = 0.0;
        private boolean reluDiscriminator;
        private double learningRate = 2e-4;

        Builder() {
            super(adam(2e-4), DataType.FLOAT);
        }

        private static Adam adam(double learningRate) {
            return new Adam(learningRate, 0.5, 0.999, 1e-8);
        }

        public Builder optArchitecture(Architecture a) {
            this.architecture = a;
            return this;
        }

        public Builder optLatent(int k) {
            this.latent = k;
            return this;
        }

        /** h, the dense variant's hidden units. */
        public Builder optHidden(int h) {
            this.hidden = h;
            return this;
        }

        /** The convolutional variant's channels c₁, c₂ (32 and 64 by default). */
        public Builder optChannels(int c1, int c2) {
            this.channels = new int[] {c1, c2};
            return this;
        }

        /** n, the data size (784 for Fashion-MNIST; the convolutional variant needs 784). */
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

        /** The ablation: ReLU instead of LeakyReLU in D, and (convolutional) max instead of average pooling. */
        public Builder optReluDiscriminator(boolean relu) {
            this.reluDiscriminator = relu;
            return this;
        }

        /** Adam(lr, β₁ = 0.5, β₂ = 0.999) for both networks: shorthand for {@code optUpdater} with that Adam. */
        public Builder optLearningRate(double lr) {
            this.learningRate = lr;
            this.updater = adam(lr);
            return this;
        }

        /** The GAN, its discriminator and stacked network initialised. */
        @Override
        public Gan build() {
            check();
            return new Gan(this);
        }

        /** The data: feedForward(n) for the dense GAN, convolutionalFlat(28, 28, 1) for the convolutional one. */
        @Override
        public InputType inputType() {
            return imageInput();
        }

        /** "generator" (z [B, k] → x̂, G alone) and "discriminator" (x → D(x) [B, 1]). */
        @Override
        public List<NetworkSpec> networks() {
            check();
            return List.of(
                    new NetworkSpec.MultiLayer("generator", generatorList().build(), InputType.feedForward(latent)),
                    new NetworkSpec.MultiLayer("discriminator", discriminatorConf(), imageInput()));
        }

        /**
         * Checks the settings without building the networks: an {@link
         * org.sheetlab.core.settings.InvalidSettingException} names the first one out of range, its value and the
         * allowed range (e.g. "Gan: latent must be >= 1, got 0"). {@link #build()} calls it.
         */
        public Builder check() {
            require(architecture != null, OWNER, "architecture", architecture, "DENSE or CONVOLUTIONAL");
            require(latent >= 1, OWNER, "latent", latent, ">= 1");
            require(hidden >= 1, OWNER, "hidden", hidden, ">= 1");
            require(size >= 1, OWNER, "size", size, ">= 1");
            require(
                    architecture == Architecture.DENSE || size == 784,
                    OWNER,
                    "size",
                    size,
                    "784 (28×28 images) for the convolutional architecture");
            require(channels[0] >= 1 && channels[1] >= 1, OWNER, "channels", channels, "two numbers >= 1");
            require(fakeLabel >= 0 && fakeLabel < 1, OWNER, "fakeLabel", fakeLabel, "in [0, 1)");
            require(
                    realLabel > fakeLabel && realLabel <= 1,
                    OWNER,
                    "realLabel",
                    realLabel,
                    "in ({fakeLabel} " + fakeLabel + ", 1]");
            require(learningRate > 0 && Double.isFinite(learningRate), OWNER, "learningRate", learningRate, "> 0");
            require(loss != null, OWNER, "generatorLoss", loss, "NON_SATURATING or SATURATING");
            require(dataType != null, OWNER, "dataType", dataType, "FLOAT or DOUBLE");
            return this;
        }

        private NeuralNetConfiguration.ListBuilder list() {
            return base().weightInit(WeightInit.XAVIER).list();
        }

        private IActivation discriminatorActivation() {
            return reluDiscriminator ? new ActivationReLU() : new ActivationLReLU(0.2);
        }

        private Layer[] generatorLayers() {
            if (architecture == Architecture.DENSE) {
                return new Layer[] {
                    new DenseLayer.Builder()
                            .nIn(latent)
                            .nOut(hidden)
                            .activation(Activation.RELU)
                            .build(),
                    new DenseLayer.Builder()
                            .nIn(hidden)
                            .nOut(size)
                            .activation(Activation.SIGMOID)
                            .build()
                };
            }
            return new Layer[] {
                new DenseLayer.Builder()
                        .nIn(latent)
                        .nOut(channels[1] * 7L * 7L)
                        .activation(Activation.RELU)
                        .build(),
                new FastDeconvolution2D.Builder(4, 4)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(channels[0])
                        .activation(Activation.RELU)
                        .build(),
                new FastDeconvolution2D.Builder(4, 4)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(1)
                        .activation(Activation.SIGMOID)
                        .build()
            };
        }

        private Layer[] discriminatorLayers(ILossFunction lossFunction) {
            OutputLayer out = new OutputLayer.Builder()
                    .lossFunction(lossFunction)
                    .nOut(1)
                    .activation(Activation.SIGMOID)
                    .build();
            if (architecture == Architecture.DENSE) {
                return new Layer[] {
                    new DenseLayer.Builder()
                            .nOut(hidden)
                            .activation(discriminatorActivation())
                            .build(),
                    out
                };
            }
            PoolingType pooling = reluDiscriminator ? PoolingType.MAX : PoolingType.AVG;
            return new Layer[] {
                new FastConvolution2D.Builder(3, 3)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(channels[0])
                        .activation(discriminatorActivation())
                        .build(),
                new SubsamplingLayer.Builder(pooling)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build(),
                new FastConvolution2D.Builder(3, 3)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(channels[1])
                        .activation(discriminatorActivation())
                        .build(),
                new SubsamplingLayer.Builder(pooling)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build(),
                out
            };
        }

        private InputType imageInput() {
            return architecture == Architecture.DENSE
                    ? InputType.feedForward(size)
                    : InputType.convolutionalFlat(28, 28, 1);
        }

        MultiLayerConfiguration discriminatorConf() {
            NeuralNetConfiguration.ListBuilder list = list();
            for (Layer l : discriminatorLayers(new LossBinaryXENT())) {
                list.layer(l);
            }
            return list.setInputType(imageInput()).build();
        }

        /** G's layers, with the convolutional G's reshape [B, c₂·7·7] → [B, c₂, 7, 7] before its first deconvolution. */
        private NeuralNetConfiguration.ListBuilder generatorList() {
            NeuralNetConfiguration.ListBuilder list = list();
            for (Layer l : generatorLayers()) {
                list.layer(l);
            }
            if (architecture == Architecture.CONVOLUTIONAL) {
                list.inputPreProcessor(1, new FeedForwardToCnnPreProcessor(7, 7, channels[1]));
            }
            return list.setInputType(InputType.feedForward(latent));
        }

        MultiLayerConfiguration stackedConf() {
            ILossFunction g = loss == GeneratorLoss.SATURATING ? new SaturatingGeneratorLoss() : new LossBinaryXENT();
            NeuralNetConfiguration.ListBuilder list = generatorList();
            for (Layer l : discriminatorLayers(g)) {
                list.layer(new FrozenLayerWithBackprop(l));
            }
            return list.build();
        }
    }
}

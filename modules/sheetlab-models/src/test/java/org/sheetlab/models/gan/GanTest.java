package org.sheetlab.models.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.loss.GanLosses;
import org.sheetlab.testing.DoublePrecision;

@ExtendWith(DoublePrecision.class)
class GanTest {
    private static Gan gan(Gan.GeneratorLoss loss) {
        return gan(Gan.Architecture.DENSE, loss);
    }

    /** Dense: n = 12; convolutional: 28×28 with 2 and 3 channels. */
    private static Gan gan(Gan.Architecture a, Gan.GeneratorLoss loss) {
        return Gan.builder()
                .optArchitecture(a)
                .optLatent(4)
                .optHidden(8)
                .optChannels(2, 3)
                .optSize(a == Gan.Architecture.DENSE ? 12 : 784)
                .optGeneratorLoss(loss)
                .optDataType(DataType.DOUBLE)
                .build();
    }

    private static long size(Gan g) {
        return g.architecture() == Gan.Architecture.DENSE ? 12 : 784;
    }

    private static double[] column(INDArray a) {
        return a.reshape(a.length()).toDoubleVector();
    }

    /** D's fit leaves G bit-identical; G's fit (through the frozen copy) leaves that copy and D bit-identical. */
    @ParameterizedTest
    @EnumSource(Gan.Architecture.class)
    void freezingReallyFreezes(Gan.Architecture a) {
        Gan g = gan(a, Gan.GeneratorLoss.NON_SATURATING);
        Nd4j.getRandom().setSeed(1);
        INDArray real = Nd4j.rand(DataType.DOUBLE, 6, size(g));
        INDArray gBefore = g.generatorParams().dup();
        INDArray fake = g.generate(g.sampleLatent(6));
        g.discriminator()
                .fit(
                        Nd4j.vstack(real, fake),
                        Nd4j.vstack(Nd4j.ones(DataType.DOUBLE, 6, 1), Nd4j.zeros(DataType.DOUBLE, 6, 1)));
        assertBitIdentical(g.generatorParams(), gBefore);
        INDArray dBefore = g.discriminator().params().dup();
        INDArray frozenBefore = g.frozenDiscriminatorParams().dup();
        g.stacked().fit(g.sampleLatent(6), Nd4j.ones(DataType.DOUBLE, 6, 1));
        assertBitIdentical(g.frozenDiscriminatorParams(), frozenBefore);
        assertBitIdentical(g.discriminator().params(), dBefore);
        assertThat(g.generatorParams()).isNotEqualTo(gBefore);
        // a whole step: the frozen copy is D's latest parameters, and G has moved
        g.step(real);
        assertBitIdentical(g.frozenDiscriminatorParams(), g.discriminator().params());
    }

    /** The networks' scores are the min-max losses of GanLosses on the same discriminator outputs. */
    @ParameterizedTest
    @EnumSource(Gan.Architecture.class)
    void scoresAreTheMinMaxLosses(Gan.Architecture a) {
        for (Gan.GeneratorLoss loss : Gan.GeneratorLoss.values()) {
            Gan g = gan(a, loss);
            Nd4j.getRandom().setSeed(2);
            INDArray real = Nd4j.rand(DataType.DOUBLE, 5, size(g));
            INDArray z = g.sampleLatent(5);
            INDArray fake = g.generate(z);
            double[] dReal = column(g.discriminator().output(real));
            double[] dFake = column(g.discriminator().output(fake));
            // D's cross-entropy over the 2B examples is the mean of its two halves: L_D / 2
            double dScore = g.discriminator()
                    .score(new DataSet(
                            Nd4j.vstack(real, fake),
                            Nd4j.vstack(Nd4j.ones(DataType.DOUBLE, 5, 1), Nd4j.zeros(DataType.DOUBLE, 5, 1))));
            assertThat(dScore).isCloseTo(GanLosses.discriminator(dReal, dFake, 1, 0) / 2, within(1e-9));
            double gScore = g.stacked().score(new DataSet(z, Nd4j.ones(DataType.DOUBLE, 5, 1)));
            assertThat(gScore)
                    .as(loss.name())
                    .isCloseTo(GanLosses.generator(dFake, loss == Gan.GeneratorLoss.SATURATING), within(1e-9));
        }
    }

    @ParameterizedTest
    @EnumSource(Gan.Architecture.class)
    void shortRunsGiveFiniteLossesForTheRecipeAndTheAblations(Gan.Architecture a) {
        for (Gan g : new Gan[] {
            gan(a, Gan.GeneratorLoss.NON_SATURATING),
            Gan.builder()
                    .optArchitecture(a)
                    .optLatent(4)
                    .optHidden(8)
                    .optChannels(2, 3)
                    .optSize(a == Gan.Architecture.DENSE ? 12 : 784)
                    .optReluDiscriminator(true)
                    .optLabels(1, 0)
                    .optGeneratorLoss(Gan.GeneratorLoss.SATURATING)
                    .build()
        }) {
            Nd4j.getRandom().setSeed(3);
            INDArray start = g.generatorParams().dup();
            for (int i = 0; i < 10; i++) {
                Gan.Step s = g.step(Nd4j.rand(g.discriminator().params().dataType(), 8, size(g)));
                assertThat(s.discriminatorLoss()).isFinite();
                assertThat(s.generatorLoss()).isFinite();
                assertThat(s.dReal()).isBetween(0.0, 1.0);
                assertThat(s.dFake()).isBetween(0.0, 1.0);
            }
            assertThat(g.generatorParams()).isNotEqualTo(start);
        }
        assertThatThrownBy(() -> Gan.builder().optLabels(0.1, 0.9).build())
                .hasMessage("Gan: realLabel must be in (fakeLabel 0.9, 1], got 0.1");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Gan.builder()
                        .optArchitecture(Gan.Architecture.CONVOLUTIONAL)
                        .optSize(100)
                        .build())
                .hasMessageContaining("28×28");
        Gan g = gan(Gan.GeneratorLoss.NON_SATURATING);
        assertThatThrownBy(() -> g.step(Nd4j.rand(DataType.DOUBLE, 4, 13)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[batch, 12]");
    }

    /**
     * The sheet's discriminator: LeakyReLU and average pooling (convolutional), the ablation ReLU and max pooling;
     * the generator's output is [B, 784] images in (0, 1), and the stacked network's D part has D's layout.
     */
    @Test
    void theConvolutionalDiscriminatorPoolsByAverageAndTheAblationByMax() {
        for (boolean relu : new boolean[] {false, true}) {
            Gan g = Gan.builder()
                    .optArchitecture(Gan.Architecture.CONVOLUTIONAL)
                    .optChannels(2, 3)
                    .optLatent(4)
                    .optReluDiscriminator(relu)
                    .optDataType(DataType.DOUBLE)
                    .build();
            var conv = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                    g.discriminator().getLayer(0).conf().getLayer();
            var pool = (org.deeplearning4j.nn.conf.layers.SubsamplingLayer)
                    g.discriminator().getLayer(1).conf().getLayer();
            assertThat(conv.getActivationFn())
                    .isInstanceOf(
                            relu
                                    ? org.nd4j.linalg.activations.impl.ActivationReLU.class
                                    : org.nd4j.linalg.activations.impl.ActivationLReLU.class);
            assertThat(pool.getPoolingType())
                    .isEqualTo(
                            relu
                                    ? org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                                    : org.deeplearning4j.nn.conf.layers.PoolingType.AVG);
            assertThat(g.generatorLayers()).isEqualTo(3);
            INDArray x = g.generate(g.sampleLatent(3));
            assertThat(x.shape()).containsExactly(3, 784);
            assertThat(x.minNumber().doubleValue()).isGreaterThan(0.0);
            assertThat(x.maxNumber().doubleValue()).isLessThan(1.0);
            // D on G's output through the stack equals D on the flattened images
            INDArray z = g.sampleLatent(3);
            INDArray viaStack = g.stacked().output(z);
            INDArray direct = g.discriminator().output(g.generate(z));
            assertThat(viaStack.sub(direct).amaxNumber().doubleValue()).isLessThan(1e-12);
        }
    }

    /**
     * Sampling between steps leaves training alone: a GAN that calls generate() between its steps ends with
     * bit-identical parameters and Adam states (both networks) to its twin that does not.
     */
    @ParameterizedTest
    @EnumSource(Gan.Architecture.class)
    void generatingBetweenStepsDoesNotChangeTraining(Gan.Architecture a) {
        Gan plain = gan(a, Gan.GeneratorLoss.NON_SATURATING);
        Gan sampled = gan(a, Gan.GeneratorLoss.NON_SATURATING);
        INDArray fixedZ = Nd4j.rand(DataType.DOUBLE, 3, 4);
        for (int i = 0; i < 4; i++) {
            INDArray real = Nd4j.rand(DataType.DOUBLE, 5, size(plain));
            Nd4j.getRandom().setSeed(10 + i);
            plain.step(real);
            Nd4j.getRandom().setSeed(10 + i);
            sampled.step(real);
            sampled.generate(fixedZ);
        }
        assertThat(sampled.stacked().getUpdater(false)).isNotNull();
        assertThat(sampled.discriminator().getUpdater(false)).isNotNull();
        assertSameTrainingState(sampled, plain);
    }

    /**
     * Gan.step keeps both networks' Adam state across steps: five steps end bit-identical (parameters and Adam's m
     * and v) to five steps done by hand with the networks' own calls, which clear nothing. The sampling twin above
     * cannot see a restart inside step() itself, since both twins would restart alike; and D's parameters alone
     * barely show one: Adam's first step after a restart is ≈ lr·sign(g), close to the step it replaces when the
     * gradients change slowly. The updater state shows any restart: after it, m = (1 − β1)·g instead of a sum over
     * the steps. (Checked: a MultiLayerNetwork.clear() of either network put back into Gan.generate fails this.)
     */
    @ParameterizedTest
    @EnumSource(Gan.Architecture.class)
    void stepsKeepBothAdamStatesLikeAHandWrittenStep(Gan.Architecture a) {
        Gan viaStep = gan(a, Gan.GeneratorLoss.NON_SATURATING);
        Gan byHand = gan(a, Gan.GeneratorLoss.NON_SATURATING);
        assertBitIdentical(viaStep.stacked().params(), byHand.stacked().params());
        Nd4j.getRandom().setSeed(5);
        INDArray real = Nd4j.rand(DataType.DOUBLE, 5 * 5, size(viaStep));
        for (int i = 0; i < 5; i++) {
            INDArray batch = real.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(5 * i, 5 * i + 5),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            Nd4j.getRandom().setSeed(20 + i);
            viaStep.step(batch);
            Nd4j.getRandom().setSeed(20 + i);
            handWrittenStep(byHand, batch);
        }
        assertSameTrainingState(viaStep, byHand);
    }

    /**
     * The sheet's GAN step with DL4J calls only: x̂ = G(z) through the stacked network's first layers, one fit of D on
     * [x; x̂] with labels 0.9 / 0 (the builder's defaults), the frozen copy set to D's parameters, one fit of the
     * stacked network on fresh z with target 1. The latent draws come from Gan.sampleLatent in the same order as
     * Gan.step's.
     */
    private static void handWrittenStep(Gan g, INDArray real) {
        long b = real.size(0);
        MultiLayerNetwork stacked = g.stacked();
        INDArray z = g.sampleLatent(b);
        List<INDArray> acts = stacked.feedForwardToLayer(g.generatorLayers() - 1, z, false);
        INDArray fake = acts.get(g.generatorLayers());
        fake = fake.reshape('c', b, fake.length() / b);
        INDArray x = Nd4j.vstack(real, fake);
        INDArray y = Nd4j.vstack(
                Nd4j.valueArrayOf(new long[] {b, 1}, 0.9, DataType.DOUBLE), Nd4j.zeros(DataType.DOUBLE, b, 1));
        g.discriminator().fit(x, y);
        g.frozenDiscriminatorParams().assign(g.discriminator().params());
        stacked.fit(g.sampleLatent(b), Nd4j.ones(DataType.DOUBLE, b, 1));
    }

    /**
     * The fast step's kept arrays (D's input with G writing its half in place, the cached label and target columns)
     * change no number: a FLOAT GAN through the fast cores ends bit-identical to its twin with fresh arrays, dense
     * and convolutional (whose G output is copied into the kept half).
     */
    @ParameterizedTest
    @EnumSource(Gan.Architecture.class)
    void keptStepArraysGiveTheSameBitsAsFreshOnes(Gan.Architecture a) {
        Gan[] twins = new Gan[2];
        for (int k = 0; k < 2; k++) {
            Gan.Builder b = Gan.builder()
                    .optArchitecture(a)
                    .optLatent(4)
                    .optHidden(8)
                    .optChannels(2, 3)
                    .optSize(a == Gan.Architecture.DENSE ? 12 : 784)
                    .optDataType(DataType.FLOAT)
                    .check();
            twins[k] = new Gan(b, k == 0);
            assertThat(twins[k].useSteps("fast").toString())
                    .doesNotContain("reason")
                    .contains(k == 0 ? "stepArrays=kept" : "stepArrays=fresh");
        }
        for (int i = 0; i < 4; i++) {
            Nd4j.getRandom().setSeed(30 + i);
            INDArray real = Nd4j.rand(DataType.FLOAT, 5, size(twins[0]));
            Gan.Step[] steps = new Gan.Step[2];
            for (int k = 0; k < 2; k++) {
                Nd4j.getRandom().setSeed(40 + i);
                steps[k] = twins[k].step(real);
            }
            assertThat(steps[0]).isEqualTo(steps[1]);
        }
        assertSameTrainingState(twins[0], twins[1]);
    }

    /** Parameters of both networks and both Adam states (m and v, in the updater's state view) bit for bit. */
    private static void assertSameTrainingState(Gan actual, Gan expected) {
        assertBitIdentical(actual.generatorParams(), expected.generatorParams());
        assertBitIdentical(
                actual.discriminator().params(), expected.discriminator().params());
        assertBitIdentical(actual.frozenDiscriminatorParams(), expected.frozenDiscriminatorParams());
        assertBitIdentical(
                actual.stacked().getUpdater().getStateViewArray(),
                expected.stacked().getUpdater().getStateViewArray());
        assertBitIdentical(
                actual.discriminator().getUpdater().getStateViewArray(),
                expected.discriminator().getUpdater().getStateViewArray());
    }
}

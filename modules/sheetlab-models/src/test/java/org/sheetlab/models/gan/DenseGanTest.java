package org.sheetlab.models.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.loss.GanLosses;
import org.sheetlab.testing.DoublePrecision;

@ExtendWith(DoublePrecision.class)
class DenseGanTest {
    private static DenseGan gan(DenseGan.GeneratorLoss loss) {
        return DenseGan.builder()
                .optLatent(4)
                .optHidden(8)
                .optSize(12)
                .optGeneratorLoss(loss)
                .optDataType(DataType.DOUBLE)
                .build();
    }

    private static double[] column(INDArray a) {
        return a.reshape(a.length()).toDoubleVector();
    }

    /** D's fit leaves G bit-identical; G's fit (through the frozen copy) leaves that copy and D bit-identical. */
    @Test
    void freezingReallyFreezes() {
        DenseGan g = gan(DenseGan.GeneratorLoss.NON_SATURATING);
        Nd4j.getRandom().setSeed(1);
        INDArray real = Nd4j.rand(DataType.DOUBLE, 6, 12);
        INDArray gBefore = g.generatorParams().dup();
        INDArray fake = g.generate(g.sampleLatent(6));
        g.discriminator()
                .fit(
                        Nd4j.vstack(real, fake),
                        Nd4j.vstack(Nd4j.ones(DataType.DOUBLE, 6, 1), Nd4j.zeros(DataType.DOUBLE, 6, 1)));
        assertThat(g.generatorParams()).isEqualTo(gBefore);
        INDArray dBefore = g.discriminator().params().dup();
        INDArray frozenBefore = g.frozenDiscriminatorParams().dup();
        g.stacked().fit(g.sampleLatent(6), Nd4j.ones(DataType.DOUBLE, 6, 1));
        assertThat(g.frozenDiscriminatorParams()).isEqualTo(frozenBefore);
        assertThat(g.discriminator().params()).isEqualTo(dBefore);
        assertThat(g.generatorParams()).isNotEqualTo(gBefore);
        // a whole step: the frozen copy is D's latest parameters, and G has moved
        g.step(real);
        assertThat(g.frozenDiscriminatorParams()).isEqualTo(g.discriminator().params());
    }

    /** The networks' scores are the min-max losses of GanLosses on the same discriminator outputs. */
    @Test
    void scoresAreTheMinMaxLosses() {
        for (DenseGan.GeneratorLoss loss : DenseGan.GeneratorLoss.values()) {
            DenseGan g = gan(loss);
            Nd4j.getRandom().setSeed(2);
            INDArray real = Nd4j.rand(DataType.DOUBLE, 5, 12);
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
                    .isCloseTo(GanLosses.generator(dFake, loss == DenseGan.GeneratorLoss.SATURATING), within(1e-9));
        }
    }

    @Test
    void shortRunsGiveFiniteLossesForTheRecipeAndTheAblations() {
        for (DenseGan g : new DenseGan[] {
            gan(DenseGan.GeneratorLoss.NON_SATURATING),
            DenseGan.builder()
                    .optLatent(4)
                    .optHidden(8)
                    .optSize(12)
                    .optReluDiscriminator(true)
                    .optLabels(1, 0)
                    .optGeneratorLoss(DenseGan.GeneratorLoss.SATURATING)
                    .build()
        }) {
            Nd4j.getRandom().setSeed(3);
            INDArray start = g.generatorParams().dup();
            for (int i = 0; i < 10; i++) {
                DenseGan.Step s = g.step(Nd4j.rand(g.discriminator().params().dataType(), 8, 12));
                assertThat(s.discriminatorLoss()).isFinite();
                assertThat(s.generatorLoss()).isFinite();
                assertThat(s.dReal()).isBetween(0.0, 1.0);
                assertThat(s.dFake()).isBetween(0.0, 1.0);
            }
            assertThat(g.generatorParams()).isNotEqualTo(start);
        }
        assertThatThrownBy(() -> DenseGan.builder().optLabels(0.1, 0.9).build())
                .hasMessageContaining("fake label < real label");
    }
}

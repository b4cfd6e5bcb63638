package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.data.source.LabeledArrays;

/**
 * The thread policy end to end: the same training (the Final Q5 shape 400-300-100-10, batch 256, Adam, 4 steps) with
 * the thread count set to 1, 2 and 4 as {@code -Dsheetlab.threads} would set it ({@link HostThreads#override}, the
 * property being read once per JVM), the fast step taking its default size from the policy. The results agree to float
 * rounding: at batch 256 the largest product has 256·400·300 = 30.7M multiply-adds, so by
 * {@code -Dsheetlab.fast.denseGemm=auto}'s rule the products run on 1, 2 or 4 of OpenBLAS's own threads, which
 * partition a product their own way, so single output elements may differ in the last bits (DenseAdamStepTest checks
 * the other mode, column blocks over the host threads, against this one; {@code partsFor} below is that mode's block
 * count). Adam's element-wise update is the same in any split. The tolerance, 1e-6 of
 * the norm of the parameters and of Adam's state after 4 steps, is the one DenseAdamStepTest states for the split: a
 * few float ulps (6e-8 relative each) per element, carried through 4 updates. Losses agree to 1e-6.
 */
class ThreadCountTest {
    private static MultiLayerNetwork mlp() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(11)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(300)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(100)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(400))
                .build());
        net.init();
        return net;
    }

    private record Trained(INDArray params, INDArray state, List<Double> losses, int parts, boolean onBlasThreads) {}

    private static Trained train(int threads, LabeledArrays data) {
        int previous = HostThreads.override(threads);
        try {
            assertThat(HostThreads.maxParts()).isEqualTo(threads);
            MultiLayerNetwork net = mlp();
            DenseAdamStep step = DenseAdamStep.of(net); // its size from the policy, as in an experiment
            List<Double> losses = new ArrayList<>();
            ArrayDataSource batches = data.shuffledSource(256, 3);
            while (batches.hasNext()) {
                losses.add(step.fit(batches.next()));
            }
            step.networks();
            return new Trained(
                    net.params().dup(),
                    net.getUpdater().getStateViewArray().dup(),
                    losses,
                    step.partsFor(256L * 400 * 300, 300),
                    step.onBlasThreads(256));
        } finally {
            HostThreads.override(previous);
        }
    }

    private static double relative(INDArray x, INDArray reference) {
        return x.sub(reference).norm2Number().doubleValue()
                / reference.norm2Number().doubleValue();
    }

    @Test
    void oneTwoAndFourThreadsTrainTheSameNetworkUpToFloatRounding() {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1024, 400);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 1024, 10);
        int[] ids = new int[1024];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) (x.getDouble(i, 0) * 10) % 10;
            y.putScalar(i, ids[i], 1);
        }
        LabeledArrays data = new LabeledArrays(x, y, ids, null);
        Trained one = train(1, data);
        assertThat(one.parts()).isEqualTo(1);
        assertThat(one.onBlasThreads()).isFalse();
        assertThat(one.losses()).hasSize(4);
        for (int threads : new int[] {2, 4}) {
            Trained t = train(threads, data);
            assertThat(t.parts())
                    .as("column blocks of the 256x400x300 product in split mode")
                    .isEqualTo(threads);
            assertThat(t.onBlasThreads())
                    .as("auto at %d threads: OpenBLAS's threads (with oneDNN: the column split)", threads)
                    .isEqualTo(!org.sheetlab.core.threads.DirectGemm.threadsPerCall());
            for (int i = 0; i < 4; i++) {
                assertThat(t.losses().get(i))
                        .as("%d threads, loss %d", threads, i)
                        .isCloseTo(one.losses().get(i), org.assertj.core.data.Offset.offset(1e-6));
            }
            assertThat(relative(t.params(), one.params()))
                    .as("%d threads: parameters", threads)
                    .isLessThan(1e-6);
            assertThat(relative(t.state(), one.state()))
                    .as("%d threads: Adam state", threads)
                    .isLessThan(1e-6);
        }
        // the training moved the network: the comparison is not between untouched parameters
        assertThat(relative(one.params(), mlp().params())).isGreaterThan(1e-4);
    }
}

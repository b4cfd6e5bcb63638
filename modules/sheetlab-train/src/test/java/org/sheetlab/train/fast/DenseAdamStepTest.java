package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.train.LocalTrainingLoop;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.run.RunDirectory;

/** The fast dense step against DL4J's own fit on the same batches, its checkpoint resume, and what it refuses. */
class DenseAdamStepTest {
    @TempDir
    Path tmp;

    private static MultiLayerNetwork mlp(long seed, int in, int h1, int h2, int out) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(new ExponentialSchedule(ScheduleType.EPOCH, 1e-2, 0.85)))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(h1)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(h2)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(out)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(in))
                .build());
        net.init();
        return net;
    }

    private static LabeledArrays data(int rows, int in, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, in);
        int[] ids = new int[rows];
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int i = 0; i < rows; i++) {
            ids[i] = (int) Math.floor(x.getDouble(i, 0) * classes) % classes;
            y.putScalar(i, ids[i], 1);
        }
        return new LabeledArrays(x, y, ids, null);
    }

    @Test
    void matchesFitStepForStepToFloatPrecision() {
        LabeledArrays train = data(200, 20, 5, 3);
        MultiLayerNetwork slow = mlp(7, 20, 16, 12, 5);
        MultiLayerNetwork fast = mlp(7, 20, 16, 12, 5);
        assertBitIdentical(fast.params(), slow.params());
        DenseAdamStep step = DenseAdamStep.of(fast);
        ArrayDataSource batches = train.shuffledSource(32, 1);
        for (int epoch = 0; epoch < 2; epoch++) {
            batches.seek(epoch, 0);
            while (batches.hasNext()) {
                MultiDataSet b = batches.next();
                DataSet ds = ArrayDataSource.toDataSet(b);
                slow.fit(ds);
                double loss = step.fit(b);
                assertThat(loss).isCloseTo(slow.score(), org.assertj.core.data.Offset.offset(1e-5));
            }
            slow.incrementEpochCount();
            step.endEpoch();
        }
        step.networks(); // writes the Adam moments the step keeps on the heap back into the network's updater
        assertThat(fast.getIterationCount()).isEqualTo(slow.getIterationCount()).isEqualTo(14);
        // Not bit-identical, and not claimed to be: the fast step computes in FLOAT with its own GEMM calls and
        // summation order, so each gradient differs from fit()'s by float rounding (relative ~1e-7). Adam then
        // magnifies a gradient difference δg by up to about lr/ε (here 1e-2 / 1e-8 = 1e6) in the step of a parameter
        // whose gradient is near zero (step = lr·m̂/(√v̂ + ε)), so single parameters may differ by far more than the
        // rounding. The stated bound is on the whole vector: ‖Δθ‖/‖θ‖ < 1e-5 after 14 steps, and the same for Adam's
        // state; the last check shows the networks moved more than 1000 times that difference from their start.
        INDArray diff = fast.params().sub(slow.params());
        double rel =
                diff.norm2Number().doubleValue() / slow.params().norm2Number().doubleValue();
        assertThat(rel).as("relative parameter difference after 14 steps").isLessThan(1e-5);
        INDArray stateDiff =
                fast.getUpdater().getStateViewArray().sub(slow.getUpdater().getStateViewArray());
        assertThat(stateDiff.norm2Number().doubleValue()
                        / slow.getUpdater().getStateViewArray().norm2Number().doubleValue())
                .as("relative Adam state difference")
                .isLessThan(1e-5);
        // both moved far from the start: the comparison is not between two untouched networks
        assertThat(fast.params()
                        .sub(mlp(7, 20, 16, 12, 5).params())
                        .norm2Number()
                        .doubleValue())
                .isGreaterThan(1e3 * diff.norm2Number().doubleValue());
    }

    @Test
    void aKilledRunResumesBitIdenticallyThroughTheHarness() {
        LabeledArrays train = data(200, 20, 5, 3);
        TrainingConfig.Builder config = TrainingConfig.builder()
                .seed(5)
                .epochs(2)
                .batchSize(32)
                .checkpointEvery(3)
                .progressBar(false);
        TrainingResult full = new LocalTrainingLoop(new RunDirectory(tmp.resolve("full")), config.build(), "t")
                .fit(DenseAdamStep.of(mlp(7, 20, 16, 12, 5)), train.shuffledSource(32, 5), List.of());
        RunDirectory run = new RunDirectory(tmp.resolve("killed"));
        TrainingListener kill = new TrainingListener() {
            int seen;

            @Override
            public void onBatch(TrainingStep step, int epoch, int batch, double loss) {
                if (++seen == 11) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThatThrownBy(() -> new LocalTrainingLoop(run, config.build(), "t")
                        .addListener(kill)
                        .fit(DenseAdamStep.of(mlp(7, 20, 16, 12, 5)), train.shuffledSource(32, 5), List.of()))
                .hasMessage("killed");
        TrainingResult resumed = new LocalTrainingLoop(run, config.resume(true).build(), "t")
                .fit(DenseAdamStep.of(mlp(7, 20, 16, 12, 5)), train.shuffledSource(32, 5), List.of());
        assertBitIdentical(resumed.model().params(), full.model().params());
        assertBitIdentical(
                ((MultiLayerNetwork) resumed.model()).getUpdater().getStateViewArray(),
                ((MultiLayerNetwork) full.model()).getUpdater().getStateViewArray());
    }

    @Test
    void refusesWhatItDoesNotImplement() {
        MultiLayerNetwork sgd = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .updater(new Sgd(0.1))
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(4)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(3))
                .build());
        sgd.init();
        assertThat(DenseAdamStep.unsupported(sgd))
                .hasValueSatisfying(why -> assertThat(why).containsIgnoringCase("tanh"));
        assertThatThrownBy(() -> DenseAdamStep.of(sgd))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NetworkStep");
        assertThat(DenseAdamStep.unsupported(mlp(1, 4, 3, 3, 2))).isEmpty();
        assertThat(NetworkStep.of(sgd)).isNotNull();
    }

    private static float[] trainedParameters(int parts, LabeledArrays train, List<Double> losses) {
        return trainedParameters(parts, train, losses, null);
    }

    /**
     * Trains the 400-300-100-10 network with {@code -Dsheetlab.fast.denseGemm=gemm} ({@code null}: unset, the
     * default) and checks OpenBLAS's thread count: {@code parts} while the blas mode trains, and put back to what it
     * was once the network is handed out.
     */
    private static float[] trainedParameters(int parts, LabeledArrays train, List<Double> losses, String gemm) {
        MultiLayerNetwork net = mlp(9, 400, 300, 100, 10);
        String previous = System.getProperty(DenseAdamStep.GEMM_PROPERTY);
        DenseAdamStep step;
        try {
            if (gemm == null) {
                System.clearProperty(DenseAdamStep.GEMM_PROPERTY);
            } else {
                System.setProperty(DenseAdamStep.GEMM_PROPERTY, gemm);
            }
            step = DenseAdamStep.of(net, parts);
        } finally {
            if (previous == null) {
                System.clearProperty(DenseAdamStep.GEMM_PROPERTY);
            } else {
                System.setProperty(DenseAdamStep.GEMM_PROPERTY, previous);
            }
        }
        assertThat(step.parts()).isEqualTo(parts);
        assertThat(step.gemmMode()).isEqualTo(DenseAdamStep.gemmMode(gemm));
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        ArrayDataSource batches = train.shuffledSource(64, 2);
        while (batches.hasNext()) {
            losses.add(step.fit(batches.next()));
            assertThat(Nd4j.factory().blas().getMaxThreads())
                    .as("OpenBLAS threads while training (oneDNN takes its threads per call)")
                    .isEqualTo(
                            step.onBlasThreads(64) && !org.sheetlab.core.threads.DirectGemm.threadsPerCall()
                                    ? parts
                                    : blasThreads);
        }
        step.networks(); // the Adam moments written back
        assertThat(Nd4j.factory().blas().getMaxThreads())
                .as("OpenBLAS threads put back")
                .isEqualTo(blasThreads);
        float[] p = net.params().data().asFloat();
        float[] state = net.getUpdater().getStateViewArray().data().asFloat();
        float[] all = java.util.Arrays.copyOf(p, p.length + state.length);
        System.arraycopy(state, 0, all, p.length, state.length);
        return all;
    }

    /**
     * The split over the host threads (the tests run with -Dsheetlab.threads=3): the same number of parts twice gives
     * bit-identical losses, parameters and Adam moments (which thread computes a block does not matter); 1, 2 and 3
     * parts agree to float rounding, since each column block of a product is its own BLAS call whose kernel blocking
     * depends on the block's width (HostThreadsTest), and Adam carries those last-bit differences on: the bound is
     * 1e-6 of the parameters' norm after 4 steps.
     */
    @Test
    void splittingOverTheHostThreadsRepeatsExactlyAndMatchesOneThread() {
        assertThat(org.sheetlab.core.threads.HostThreads.maxParts()).isEqualTo(3);
        assertThat(DenseAdamStep.of(mlp(9, 4, 3, 3, 2)).parts()).isEqualTo(3); // the policy's size by default
        assertThat(DenseAdamStep.of(mlp(9, 4, 3, 3, 2), 99).parts()).isEqualTo(3); // and never more
        assertThat(64L * 400 * 300).isGreaterThanOrEqualTo(DenseAdamStep.SPLIT_MIN_MACS); // the GEMM split runs
        assertThat(400 * 300 + 300 * 100).isGreaterThanOrEqualTo(DenseAdamStep.SPLIT_MIN_PARAMETERS); // Adam's too
        LabeledArrays train = data(256, 400, 10, 4);
        List<Double> singleLosses = new java.util.ArrayList<>();
        float[] single = trainedParameters(1, train, singleLosses);
        INDArray singleArray = Nd4j.createFromArray(single);
        for (int parts = 2; parts <= 3; parts++) {
            List<Double> losses = new java.util.ArrayList<>();
            List<Double> lossesAgain = new java.util.ArrayList<>();
            float[] split = trainedParameters(parts, train, losses);
            assertThat(trainedParameters(parts, train, lossesAgain))
                    .as("%d parts, twice", parts)
                    .containsExactly(split);
            assertThat(lossesAgain).containsExactlyElementsOf(losses);
            for (int i = 0; i < losses.size(); i++) {
                assertThat(losses.get(i)).isCloseTo(singleLosses.get(i), org.assertj.core.data.Offset.offset(1e-6));
            }
            INDArray diff = Nd4j.createFromArray(split).sub(singleArray);
            assertThat(diff.norm2Number().doubleValue()
                            / singleArray.norm2Number().doubleValue())
                    .as("%d parts vs 1", parts)
                    .isLessThan(1e-6);
        }
        assertThatThrownBy(() -> DenseAdamStep.of(mlp(9, 4, 3, 3, 2), 0)).hasMessageContaining("threads must be >= 1");
    }

    /**
     * The two ways the products use the cores ({@code -Dsheetlab.fast.denseGemm}): one BLAS call on OpenBLAS's own
     * threads and column blocks over the host threads train the same network up to float rounding
     * (losses to 1e-6, parameters and Adam state to 1e-6 of their norm after 4 steps, the bound of the split test
     * above), each repeats itself bit for bit, OpenBLAS's thread count is put back when the network is handed out, and
     * auto picks by the largest product's size, and a value other than auto, blas or split is refused with its
     * name.
     */
    @Test
    void blasThreadsAndColumnBlocksTrainTheSameNetwork() {
        LabeledArrays train = data(256, 400, 10, 4);
        List<Double> splitLosses = new java.util.ArrayList<>();
        List<Double> blasLosses = new java.util.ArrayList<>();
        List<Double> blasAgain = new java.util.ArrayList<>();
        float[] split = trainedParameters(3, train, splitLosses, "split");
        float[] blas = trainedParameters(3, train, blasLosses, "blas");
        assertThat(trainedParameters(3, train, blasAgain, "blas")).containsExactly(blas);
        assertThat(blasAgain).containsExactlyElementsOf(blasLosses);
        assertThat(blasLosses).hasSize(4);
        for (int i = 0; i < blasLosses.size(); i++) {
            assertThat(blasLosses.get(i)).isCloseTo(splitLosses.get(i), org.assertj.core.data.Offset.offset(1e-6));
        }
        INDArray reference = Nd4j.createFromArray(split);
        assertThat(Nd4j.createFromArray(blas).sub(reference).norm2Number().doubleValue()
                        / reference.norm2Number().doubleValue())
                .as("blas vs split")
                .isLessThan(1e-6);
        // auto: OpenBLAS's threads from BLAS_THREADS_MIN_MACS multiply-adds in the largest product (here rows × 400 ×
        // 300), never with one part
        DenseAdamStep auto = DenseAdamStep.of(mlp(9, 400, 300, 100, 10), 3);
        assertThat(auto.gemmMode()).isEqualTo(DenseAdamStep.GemmMode.AUTO);
        assertThat(auto.onBlasThreads(512))
                .as("auto at batch 512: OpenBLAS's threads (with oneDNN: the column split)")
                .isEqualTo(!org.sheetlab.core.threads.DirectGemm.threadsPerCall());
        assertThat(auto.onBlasThreads(64)).isFalse();
        assertThat(DenseAdamStep.of(mlp(9, 400, 300, 100, 10), 1).onBlasThreads(512))
                .isFalse();
        assertThat(DenseAdamStep.gemmMode(null)).isEqualTo(DenseAdamStep.GemmMode.AUTO);
        assertThat(DenseAdamStep.gemmMode(" Split ")).isEqualTo(DenseAdamStep.GemmMode.SPLIT);
        assertThatThrownBy(() -> DenseAdamStep.gemmMode("both"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(DenseAdamStep.GEMM_PROPERTY)
                .hasMessageContaining("'both'");
    }
}

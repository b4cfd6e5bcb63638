package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.data.source.LabeledArrays;
import org.sheetlab.testing.FitEquivalence;
import org.sheetlab.train.LocalTrainingLoop;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingResult;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.run.RunDirectory;

/**
 * The fast core against DL4J's fit, one network per supported piece (DL4J's own layers here; sheetlab's layers and the
 * experiments' networks in sheetlab-models' FastCoreLayersTest): the same network trained on the same batches through
 * both ends with the same parameters, updater state and scores to relative 1e-5 (FitEquivalence). Then the fallbacks
 * and their reasons, the selection, and a killed run resuming bit-identically through the fast step.
 */
class FastStepTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    /** Batches of x [B, in] in [0, 1) with one-hot labels from the first feature, as the harness serves them. */
    static List<MultiDataSet> classification(int batches, int batch, long[] shape, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        List<MultiDataSet> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
            INDArray flat = x.reshape(batch, -1);
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, (int) Math.floor(flat.getDouble(i, 0) * classes) % classes, 1);
            }
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(x, y));
        }
        return out;
    }

    private static FitEquivalence.Result assertLikeFit(Supplier<Model> factory, List<MultiDataSet> batches) {
        FitEquivalence.Result r =
                FitEquivalence.assertTrainsLikeFit(factory, m -> FastCore.of(m)::fit, batches, 2, TOLERANCE);
        return r;
    }

    private static NeuralNetConfiguration.Builder base(IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(11)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(updater);
    }

    private static MultiLayerNetwork init(MultiLayerNetwork net) {
        net.init();
        return net;
    }

    private static Supplier<Model> denseNet(IUpdater updater, GradientNormalization norm, boolean regularise) {
        return () -> {
            NeuralNetConfiguration.Builder b = base(updater);
            if (norm != null) {
                b.gradientNormalization(norm).gradientNormalizationThreshold(0.05);
            }
            if (regularise) {
                b.l2(1e-3).l1(1e-4).weightDecay(5e-3);
            }
            return init(new MultiLayerNetwork(b.list()
                    .layer(new DenseLayer.Builder()
                            .nOut(16)
                            .activation(Activation.TANH)
                            .build())
                    .layer(new DenseLayer.Builder()
                            .nOut(12)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                            .nOut(4)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(InputType.feedForward(10))
                    .build()));
        };
    }

    private static List<MultiDataSet> denseBatches() {
        return classification(5, 16, new long[] {16, 10}, 4, 3);
    }

    @Test
    void adamWithAnEpochScheduleMatchesFit() {
        assertLikeFit(
                denseNet(new Adam(new ExponentialSchedule(ScheduleType.ITERATION, 1e-2, 0.9)), null, false),
                denseBatches());
    }

    @Test
    void sgdNesterovsL1L2AndWeightDecayMatchFit() {
        assertLikeFit(denseNet(new Sgd(0.1), null, true), denseBatches());
        assertLikeFit(denseNet(new Nesterovs(0.05, 0.9), null, true), denseBatches());
        assertLikeFit(denseNet(new Adam(1e-2), null, true), denseBatches());
    }

    @Test
    void everyGradientNormalisationMatchesFit() {
        for (GradientNormalization n : GradientNormalization.values()) {
            if (n != GradientNormalization.None) {
                assertLikeFit(denseNet(new Adam(1e-2), n, false), denseBatches());
                assertLikeFit(denseNet(new Sgd(0.5), n, false), denseBatches());
            }
        }
    }

    @Test
    void dropoutMatchesFitWithTheSameRandomStream() {
        assertLikeFit(
                () -> init(new MultiLayerNetwork(base(new Adam(1e-2))
                        .list()
                        .layer(new DenseLayer.Builder()
                                .nOut(16)
                                .activation(Activation.RELU)
                                .build())
                        .layer(new DenseLayer.Builder()
                                .nOut(12)
                                .dropOut(0.7)
                                .activation(Activation.RELU)
                                .build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                                .nOut(4)
                                .dropOut(0.8)
                                .activation(Activation.SOFTMAX)
                                .build())
                        .setInputType(InputType.feedForward(10))
                        .build())),
                denseBatches());
    }

    @Test
    void convolutionPoolingAndBatchNormalizationMatchFit() {
        for (SubsamplingLayer.PoolingType pool :
                new SubsamplingLayer.PoolingType[] {SubsamplingLayer.PoolingType.MAX, SubsamplingLayer.PoolingType.AVG
                }) {
            assertLikeFit(
                    () -> init(new MultiLayerNetwork(base(new Adam(5e-3))
                            .list()
                            .layer(new ConvolutionLayer.Builder(3, 3)
                                    .nOut(4)
                                    .activation(Activation.RELU)
                                    .build())
                            .layer(new BatchNormalization.Builder().build())
                            .layer(new SubsamplingLayer.Builder(pool)
                                    .kernelSize(2, 2)
                                    .stride(2, 2)
                                    .build())
                            .layer(new DenseLayer.Builder()
                                    .nOut(8)
                                    .activation(Activation.RELU)
                                    .build())
                            .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                                    .nOut(3)
                                    .activation(Activation.SOFTMAX)
                                    .build())
                            .setInputType(InputType.convolutional(8, 8, 1))
                            .build())),
                    classification(4, 8, new long[] {8, 1, 8, 8}, 3, 5));
        }
    }

    @Test
    void lstmWithMasksMatchesFit() {
        Nd4j.getRandom().setSeed(9);
        List<MultiDataSet> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 6, 3, 5);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 2, 5);
            INDArray mask = Nd4j.ones(DataType.FLOAT, 6, 5);
            for (int i = 0; i < 6; i++) {
                for (int t = 0; t < 5; t++) {
                    y.putScalar(new int[] {i, x.getDouble(i, 0, t) > 0.5 ? 1 : 0, t}, 1);
                }
                for (int t = 5 - i % 3; t < 5; t++) {
                    mask.putScalar(i, t, 0);
                }
            }
            batches.add(new org.nd4j.linalg.dataset.MultiDataSet(
                    new INDArray[] {x}, new INDArray[] {y}, new INDArray[] {mask}, new INDArray[] {mask}));
        }
        assertLikeFit(
                () -> init(new MultiLayerNetwork(base(new Adam(1e-2))
                        .list()
                        .layer(new LSTM.Builder()
                                .nOut(7)
                                .activation(Activation.TANH)
                                .build())
                        .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build())
                        .setInputType(InputType.recurrent(3))
                        .build())),
                batches);
    }

    @Test
    void sigmoidCrossEntropyAndMseOutputsMatchFit() {
        for (LossFunction loss : new LossFunction[] {LossFunction.XENT, LossFunction.MSE}) {
            assertLikeFit(
                    () -> init(new MultiLayerNetwork(base(new Adam(1e-2))
                            .list()
                            .layer(new DenseLayer.Builder()
                                    .nOut(9)
                                    .activation(Activation.RELU)
                                    .build())
                            .layer(new OutputLayer.Builder(loss)
                                    .nOut(4)
                                    .activation(loss == LossFunction.XENT ? Activation.SIGMOID : Activation.IDENTITY)
                                    .build())
                            .setInputType(InputType.feedForward(10))
                            .build())),
                    denseBatches());
        }
    }

    private static ComputationGraph twoInputGraph() {
        ComputationGraph g = new ComputationGraph(base(new Adam(1e-2))
                .graphBuilder()
                .addInputs("a", "b")
                .addLayer(
                        "da",
                        new DenseLayer.Builder()
                                .nOut(6)
                                .activation(Activation.RELU)
                                .build(),
                        "a")
                .addLayer(
                        "db",
                        new DenseLayer.Builder()
                                .nOut(5)
                                .activation(Activation.TANH)
                                .build(),
                        "b")
                .addVertex("merge", new MergeVertex(), "da", "db")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunction.MCXENT)
                                .nOut(4)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "merge")
                .addLayer(
                        "mse",
                        new OutputLayer.Builder(LossFunction.MSE)
                                .nOut(2)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "db")
                .setOutputs("out", "mse")
                .setInputTypes(InputType.feedForward(10), InputType.feedForward(3))
                .build());
        g.init();
        return g;
    }

    @Test
    void computationGraphWithTwoInputsAndTwoOutputsMatchesFit() {
        List<MultiDataSet> batches = new ArrayList<>();
        for (MultiDataSet d : denseBatches()) {
            INDArray b = Nd4j.rand(DataType.FLOAT, 16, 3);
            batches.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {d.getFeatures(0), b}, new INDArray[] {
                d.getLabels(0),
                b.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2))
                        .dup()
            }));
        }
        assertLikeFit(FastStepTest::twoInputGraph, batches);
    }

    @Test
    void unsupportedPiecesNameTheLayerSettingOrListener() {
        MultiLayerNetwork rms =
                (MultiLayerNetwork) denseNet(new RmsProp(1e-3), null, false).get();
        assertThat(FastCore.unsupported(rms))
                .hasValueSatisfying(why -> assertThat(why)
                        .contains("layer 0 'layer0' (DenseLayer)")
                        .contains("RmsProp"));
        MultiLayerNetwork listened =
                (MultiLayerNetwork) denseNet(new Adam(1e-3), null, false).get();
        listened.setListeners(new ScoreIterationListener(10));
        assertThat(FastCore.unsupported(listened))
                .hasValueSatisfying(why -> assertThat(why).contains("ScoreIterationListener"));
        StepSelection auto = StepSelection.choose(listened, "auto");
        assertThat(auto.step()).isInstanceOf(NetworkStep.class);
        assertThat(auto.reason()).contains("ScoreIterationListener");
        assertThat(auto.toJson()).containsEntry("kind", "fit").containsKey("reason");
        assertThatThrownBy(() -> StepSelection.choose(rms, "fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RmsProp")
                .hasMessageContaining("--step fit");
        assertThat(StepSelection.choose(NetworkStep.of(rms), "auto", 1).reason())
                .contains("RmsProp");
    }

    @Test
    void selectionPicksTheDenseStepThenTheFastCoreThenFit() {
        MultiLayerNetwork mlp = init(new MultiLayerNetwork(base(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build()));
        assertThat(StepSelection.choose(mlp, "auto").step()).isInstanceOf(DenseAdamStep.class);
        assertThat(StepSelection.choose(denseNet(new Sgd(0.1), null, false).get(), "auto")
                        .step())
                .isInstanceOf(FastStep.class);
        assertThat(StepSelection.choose(twoInputGraph(), "fast").step()).isInstanceOf(FastStep.class);
        assertThat(StepSelection.choose(mlp, "fit").step()).isInstanceOf(NetworkStep.class);
        assertThat(StepSelection.choose(NetworkStep.of(mlp), "auto", 2).kind()).isEqualTo("fit");
        assertThatThrownBy(() -> StepSelection.choose(NetworkStep.of(mlp), "fast", 2))
                .hasMessageContaining("--workers");
        assertThatThrownBy(() -> StepSelection.checkMode("quick")).hasMessageContaining("auto, fast or fit");
    }

    @Test
    void aKilledRunResumesBitIdenticallyThroughTheFastStep() {
        Supplier<Model> factory = denseNet(new Adam(1e-2), GradientNormalization.ClipL2PerLayer, true);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 120, 10);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 120, 4);
        int[] ids = new int[120];
        for (int i = 0; i < 120; i++) {
            ids[i] = (int) (x.getDouble(i, 1) * 4) % 4;
            y.putScalar(i, ids[i], 1);
        }
        LabeledArrays train = new LabeledArrays(x, y, ids, null);
        TrainingConfig.Builder config = TrainingConfig.builder()
                .seed(5)
                .epochs(2)
                .batchSize(16)
                .checkpointEvery(3)
                .progressBar(false);
        TrainingResult full = new LocalTrainingLoop(new RunDirectory(tmp.resolve("full")), config.build(), "t")
                .fit(FastStep.of(factory.get()), train.shuffledSource(16, 5), List.of());
        RunDirectory run = new RunDirectory(tmp.resolve("killed"));
        TrainingListener kill = new TrainingListener() {
            int seen;

            @Override
            public void onBatch(TrainingStep step, int epoch, int batch, double loss) {
                if (++seen == 10) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThatThrownBy(() -> new LocalTrainingLoop(run, config.build(), "t")
                        .addListener(kill)
                        .fit(FastStep.of(factory.get()), train.shuffledSource(16, 5), List.of()))
                .hasMessage("killed");
        TrainingResult resumed = new LocalTrainingLoop(run, config.resume(true).build(), "t")
                .fit(FastStep.of(factory.get()), train.shuffledSource(16, 5), List.of());
        assertBitIdentical(resumed.model().params(), full.model().params());
        assertBitIdentical(
                ((MultiLayerNetwork) resumed.model()).getUpdater().getStateViewArray(),
                ((MultiLayerNetwork) full.model()).getUpdater().getStateViewArray());
        assertThat(((MultiLayerNetwork) full.model()).getIterationCount()).isEqualTo(16);
        assertThat(((MultiLayerNetwork) full.model()).getEpochCount()).isEqualTo(2);
    }

    /**
     * The scalar fallback (a JVM without jdk.incubator.vector) and the Vector API kernels give the same floats: same
     * formulas, same order per element (the test JVMs have the module, so the comparisons above ran the vector ones).
     */
    @Test
    void theScalarAndVectorKernelsAgree() {
        assertThat(UpdaterKernels.VECTOR_API).isTrue();
        Nd4j.getRandom().setSeed(2);
        float[] g0 = Nd4j.randn(DataType.FLOAT, 1, 37).data().asFloat();
        float[] s0 = Nd4j.rand(DataType.FLOAT, 1, 74).data().asFloat();
        ByteBuffer g1 = direct(g0);
        ByteBuffer s1 = direct(s0);
        ByteBuffer g2 = direct(g0);
        ByteBuffer s2 = direct(s0);
        VectorUpdaterKernels.adam(g1, 0, s1, 0, s1, 37, 37, 0.9f, 0.999f, 1e-8f, 1e-3f);
        UpdaterKernels.scalarAdam(g2, 0, s2, 0, s2, 37, 37, 0.9f, 0.999f, 1e-8f, 1e-3f);
        assertThat(floats(g1)).containsExactly(floats(g2));
        assertThat(floats(s1)).containsExactly(floats(s2));
        VectorUpdaterKernels.nesterovs(g1, 0, s1, 5, 37, 0.1f, 0.9f);
        UpdaterKernels.scalarNesterovs(g2, 0, s2, 5, 37, 0.1f, 0.9f);
        assertThat(floats(g1)).containsExactly(floats(g2));
        assertThat(floats(s1)).containsExactly(floats(s2));
        // a range at an odd offset (the vector loop's tail and an unaligned start)
        VectorUpdaterKernels.adam(g1, 3, s1, 1, s1, 40, 33, 0.9f, 0.999f, 1e-8f, 1e-3f);
        UpdaterKernels.scalarAdam(g2, 3, s2, 1, s2, 40, 33, 0.9f, 0.999f, 1e-8f, 1e-3f);
        assertThat(floats(g1)).containsExactly(floats(g2));
        assertThat(floats(s1)).containsExactly(floats(s2));
        assertThat(floats(g1)).isNotEqualTo(g0);
    }

    /**
     * The one-pass Adam step (g/B, Adam, w − u per element) gives bit for bit what the three separate passes give,
     * with the Vector API and in scalar code, at an unaligned offset with a tail.
     */
    @Test
    void theOnePassAdamStepEqualsTheSeparatePasses() {
        Nd4j.getRandom().setSeed(3);
        int n = 1031;
        float[] w0 = Nd4j.randn(DataType.FLOAT, 1, n + 3).data().asFloat();
        float[] g0 = Nd4j.randn(DataType.FLOAT, 1, n + 3).data().asFloat();
        float[] s0 = Nd4j.rand(DataType.FLOAT, 1, 2 * n + 1).data().asFloat();
        for (boolean divide : new boolean[] {true, false}) {
            ByteBuffer w1 = direct(w0);
            ByteBuffer g1 = direct(g0);
            ByteBuffer s1 = direct(s0);
            if (divide) {
                UpdaterKernels.divide(g1, 3, n, 32f);
            }
            UpdaterKernels.adam(g1, 3, s1, 1, s1, 1 + n, n, 0.5f, 0.999f, 1e-8f, 2e-4f);
            UpdaterKernels.subtract(w1, 3, g1, 3, n);
            ByteBuffer w2 = direct(w0);
            ByteBuffer g2 = direct(g0);
            ByteBuffer s2 = direct(s0);
            VectorUpdaterKernels.adamStep(w2, 3, g2, 3, s2, 1, s2, 1 + n, n, divide, 32f, 0.5f, 0.999f, 1e-8f, 2e-4f);
            ByteBuffer w3 = direct(w0);
            ByteBuffer g3 = direct(g0);
            ByteBuffer s3 = direct(s0);
            UpdaterKernels.scalarAdamStep(w3, 3, g3, 3, s3, 1, s3, 1 + n, n, divide, 32f, 0.5f, 0.999f, 1e-8f, 2e-4f);
            for (ByteBuffer[] pair : new ByteBuffer[][] {{w1, w2}, {g1, g2}, {s1, s2}, {w1, w3}, {g1, g3}, {s1, s3}}) {
                assertThat(floats(pair[1])).containsExactly(floats(pair[0]));
            }
            assertThat(floats(w1)).isNotEqualTo(w0);
        }
    }

    /**
     * A block large enough for the Adam pass to be split over the host threads (≥ 65,536 parameters) trains to the same
     * bits with 1, 2 and 3 threads (each element is computed alone, so the split changes nothing), and like fit.
     */
    @Test
    void theSplitAdamPassGivesTheSameBitsAtAnyThreadCount() {
        Supplier<Model> factory = () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(9)
                    .updater(new Adam(1e-3))
                    .weightInit(WeightInit.XAVIER)
                    .list()
                    .layer(new DenseLayer.Builder()
                            .nIn(300)
                            .nOut(240)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                            .nIn(240)
                            .nOut(10)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .build());
            net.init();
            return net;
        };
        Nd4j.getRandom().setSeed(10);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 300);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 10);
        for (int r = 0; r < 32; r++) {
            y.putScalar(r, r % 10, 1f);
        }
        List<INDArray> params = new ArrayList<>();
        int previous = HostThreads.override(1);
        try {
            for (int threads : new int[] {1, 2, 3}) {
                HostThreads.override(threads);
                Model net = factory.get();
                FastCore core = FastCore.of(net);
                for (int i = 0; i < 3; i++) {
                    core.fit(x, y);
                }
                params.add(net.params().dup());
            }
        } finally {
            HostThreads.override(previous);
        }
        assertBitIdentical(params.get(1), params.get(0));
        assertBitIdentical(params.get(2), params.get(0));
        MultiLayerNetwork fit = (MultiLayerNetwork) factory.get();
        for (int i = 0; i < 3; i++) {
            fit.fit(x, y);
        }
        assertThat(FitEquivalence.relative(fit.params(), params.get(0))).isLessThanOrEqualTo(1e-5);
    }

    /** {@code x} in a direct buffer in native order (as the kernels see ND4J's buffers). */
    private static ByteBuffer direct(float[] x) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * x.length).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(x);
        return b;
    }

    private static float[] floats(ByteBuffer b) {
        float[] x = new float[b.capacity() / 4];
        b.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().get(x);
        return x;
    }
}

package org.sheetlab.experiments.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sheetlab bench final-q5}: training throughput of the Final Q5 network (784-300-100-10, Adam, FLOAT) on the
 * real Fashion-MNIST training set, the same loop as the experiment (shuffled batches, {@code net.fit(batch)}),
 * timed after a warm-up. Prints one JSON object.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure training throughput (samples/s) of a sheet network; used by scripts/bench.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            description = "What to measure: final-q5 (training samples/s), pooling (forward + "
                    + "backward ms per call) or newton (H^-1 g, dense vs block-diagonal).")
    String target;

    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--batches", description = "Timed batches (default: ${DEFAULT-VALUE}).")
    int batches = 400;

    @Option(names = "--warmup", description = "Untimed warm-up batches (default: ${DEFAULT-VALUE}).")
    int warmup = 50;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(
            names = "--step",
            description = "final-q5 training step: fit (DL4J's MultiLayerNetwork.fit) or fast (DenseAdamStep) "
                    + "(default: ${DEFAULT-VALUE}).")
    String step = "fit";

    @Option(
            names = "--pooling",
            description = "cnn: the pooling kind of the pooling experiment's CNN (default: ${DEFAULT-VALUE}).")
    String pooling = "max";

    @Option(
            names = "--convolution",
            description = "cnn: fast (FastConvolution2D, the default in PoolingCnn) or dl4j (DL4J's ConvolutionLayer) "
                    + "(default: ${DEFAULT-VALUE}).")
    String convolution = "fast";

    @Option(names = "--lstm", description = "lstm: fast (FastLSTM) or dl4j (DL4J's LSTM) (default: ${DEFAULT-VALUE}).")
    String lstmImpl = "fast";

    @Override
    public Integer call() {
        Map<String, Object> result = switch (target) {
            case "final-q5" -> finalQ5(batchSize, batches, warmup, seed, step);
            case "pooling" -> PoolingBench.run(batches, warmup, seed);
            case "newton" -> NewtonBench.run(Math.max(1, Math.min(batches, 9)), seed);
            case "cnn" -> cnn(batchSize, batches, warmup, seed, pooling, convolution);
            case "lstm" -> lstm(batchSize, batches, warmup, seed, lstmImpl);
            case "gru" -> gru(batchSize, batches, warmup, seed);
            case "vae" -> vae(batchSize, batches, warmup, seed);
            case "gan" -> gan(batchSize, batches, warmup, seed, false);
            case "gan-conv" -> gan(batchSize, batches, warmup, seed, true);
            case "sgemm" -> sgemm(batches, warmup);
            default ->
                throw new IllegalArgumentException("unknown benchmark '" + target
                        + "'; known: final-q5, cnn, lstm, gru, vae, gan, sgemm, pooling, newton");
        };
        try {
            System.out.println(RunDirectory.JSON.writeValueAsString(result));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }

    /** Trains warm-up + timed batches and returns samples/s and the setting. */
    public static Map<String, Object> finalQ5(int batchSize, int batches, int warmup, long seed, String step) {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(
                FinalQ5Network.builder().setInputSize(784).optSeed(seed).build());
        net.init();
        java.util.function.Consumer<DataSet> train = switch (step) {
            case "fit" -> net::fit;
            case "fast" -> {
                org.sheetlab.train.fast.DenseAdamStep fast = org.sheetlab.train.fast.DenseAdamStep.of(net);
                yield ds -> fast.fit(org.sheetlab.data.source.ArrayDataSource.toMulti(ds));
            }
            default -> throw new IllegalArgumentException("--step must be fit or fast, got " + step);
        };
        // the fast step consumes each batch before the next, so its batches are gathered into reused arrays
        ShuffledArrayIterator it =
                data.train().shuffledIterator(batchSize, seed).reuseBuffers(step.equals("fast"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(
                "impl",
                "sheetlab " + step + " (DL4J " + Nd4j.getBackend().getClass().getSimpleName() + ")");
        r.put("step", step);
        r.putAll(timeTraining("sheetlab", train, it, batches, warmup));
        r.put("finalLoss", net.score(nextBatch(it), false));
        r.put("threads", Nd4j.getEnvironment().maxMasterThreads());
        r.put("blasThreads", Nd4j.factory().blas().getMaxThreads());
        r.put("blas", Nd4j.getExecutioner().getEnvironmentInformation().getProperty("blas.vendor", "?"));
        return r;
    }

    /**
     * Training samples/s of the pooling experiment's CNN (DL4J fit) with {@code pooling} and {@code convolution}
     * (fast or dl4j), on Fashion-MNIST.
     */
    public static Map<String, Object> cnn(
            int batchSize, int batches, int warmup, long seed, String pooling, String convolution) {
        if (!convolution.equals("fast") && !convolution.equals("dl4j")) {
            throw new IllegalArgumentException("--convolution must be fast or dl4j, got " + convolution);
        }
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(org.sheetlab.models.cnn.PoolingCnn.builder()
                .setPooling(org.sheetlab.models.cnn.PoolingKind.parse(pooling))
                .optFastConvolution(convolution.equals("fast"))
                .optSeed(seed)
                .build());
        net.init();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab PoolingCnn (DL4J fit, " + convolution + " convolution)");
        r.put("pooling", pooling);
        r.put("convolution", convolution);
        r.putAll(timeTraining(
                "sheetlab cnn " + pooling, net::fit, data.train().shuffledIterator(batchSize, seed), batches, warmup));
        return r;
    }

    /**
     * Training samples/s of an LSTM(28 → 128) over Fashion-MNIST read row by row (28 steps), its last step into a
     * softmax over 10 classes, Adam 1e-3, DL4J fit.
     */
    public static Map<String, Object> lstm(int batchSize, int batches, int warmup, long seed, String impl) {
        if (!impl.equals("fast") && !impl.equals("dl4j")) {
            throw new IllegalArgumentException("--lstm must be fast or dl4j, got " + impl);
        }
        org.deeplearning4j.nn.conf.layers.LSTM.Builder cell = impl.equals("fast")
                ? new org.sheetlab.layers.recurrent.FastLSTM.Builder()
                : new org.deeplearning4j.nn.conf.layers.LSTM.Builder();
        Map<String, Object> r = rowRnn(
                cell.nOut(128)
                        .activation(org.nd4j.linalg.activations.Activation.TANH)
                        .build(),
                "sheetlab " + (impl.equals("fast") ? "FastLSTM" : "DL4J LSTM")
                        + "(28->128) + LastTimeStep + softmax (DL4J fit)",
                batchSize,
                batches,
                warmup,
                seed);
        r.put("lstm", impl);
        return r;
    }

    /**
     * Training samples/s of the vae experiment's default network ({@code VaeNetwork}: 784-256-[2+2]-256-784, β = 1)
     * on Fashion-MNIST pairs (x, x), Adam 1e-3, DL4J fit.
     */
    public static Map<String, Object> vae(int batchSize, int batches, int warmup, long seed) {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(org.sheetlab.models.vae.VaeNetwork.builder()
                .setInputSize(784)
                .optSeed(seed)
                .build());
        net.init();
        INDArray x = data.train().features();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab VaeNetwork 784-256-[2+2]-256-784 (DL4J fit)");
        r.putAll(timeTraining(
                "sheetlab vae",
                net::fit,
                new ShuffledArrayIterator(x, x, batchSize, true, seed, null),
                batches,
                warmup));
        return r;
    }

    /**
     * Real samples/s of Gan's alternating step (one D and one G update per batch of real images) on Fashion-MNIST:
     * the dense defaults (G 64-256-784, D 784-256-1), or the DCGAN-style pair with the gan experiment's channels
     * (32, 64): G 64 → 3136 → Deconv 32 → Deconv 1, D Conv 32 → AvgPool → Conv 64 → AvgPool → 1.
     */
    public static Map<String, Object> gan(int batchSize, int batches, int warmup, long seed, boolean conv) {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        org.sheetlab.models.gan.Gan gan = org.sheetlab.models.gan.Gan.builder()
                .optSeed(seed)
                .optArchitecture(
                        conv
                                ? org.sheetlab.models.gan.Gan.Architecture.CONVOLUTIONAL
                                : org.sheetlab.models.gan.Gan.Architecture.DENSE)
                .optChannels(32, 64)
                .build();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "sheetlab Gan step (two DL4J fits)" + (conv ? ", DCGAN-style 32/64 channels" : ""));
        r.putAll(timeTraining(
                "sheetlab gan",
                ds -> gan.step(ds.getFeatures()),
                data.train().shuffledIterator(batchSize, seed),
                batches,
                warmup));
        return r;
    }

    /**
     * Training samples/s of a GRU(28 → 128) (PyTorch's candidate form, resetAfter, as nn.GRU) over Fashion-MNIST read
     * row by row, its last step into a softmax over 10 classes, Adam 1e-3, DL4J fit.
     */
    public static Map<String, Object> gru(int batchSize, int batches, int warmup, long seed) {
        return rowRnn(
                new org.sheetlab.layers.recurrent.GRU.Builder()
                        .nOut(128)
                        .resetAfter(true)
                        .build(),
                "sheetlab GRU(28->128, resetAfter) + LastTimeStep + softmax (DL4J fit)",
                batchSize,
                batches,
                warmup,
                seed);
    }

    private static Map<String, Object> rowRnn(
            org.deeplearning4j.nn.conf.layers.Layer rnn,
            String impl,
            int batchSize,
            int batches,
            int warmup,
            long seed) {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new org.nd4j.linalg.learning.config.Adam(1e-3))
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER)
                .list()
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(rnn))
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                        .nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(28, 28))
                .build());
        net.init();
        ShuffledArrayIterator it = data.train().shuffledIterator(batchSize, seed);
        it.setPreProcessor(org.sheetlab.models.rnn.RowsAsSteps.FASHION_MNIST);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", impl);
        r.putAll(timeTraining(impl, net::fit, it, batches, warmup));
        return r;
    }

    /**
     * ND4J's SGEMM peak on this machine: C = A·B for 2048×2048 FLOAT matrices with {@code Nd4j.gemm} (one OpenBLAS
     * thread under OMP_NUM_THREADS=1), median GFLOP/s over {@code batches} calls, and the same product split by
     * columns over two Java threads (as DenseAdamStep does).
     */
    public static Map<String, Object> sgemm(int calls, int warmup) {
        int n = 2048;
        INDArray a = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n).dup('f');
        INDArray c = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, new long[] {n, n}, 'f');
        double flops = 2.0 * n * n * n;
        double single = medianGflops(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), calls, warmup, flops);
        java.util.concurrent.ExecutorService helper = java.util.concurrent.Executors.newSingleThreadExecutor();
        double split = medianGflops(
                () -> org.sheetlab.train.fast.SplitGemm.columns(a, b, c, false, helper), calls, warmup, flops);
        helper.shutdown();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "ND4J Nd4j.gemm, FLOAT, " + n + "x" + n);
        r.put("gflopsOneThread", single);
        r.put("gflopsTwoThreadSplit", split);
        System.err.printf(
                Locale.ROOT, "sheetlab sgemm %d: %.1f GFLOP/s (1 thread), %.1f (2-thread split)%n", n, single, split);
        return r;
    }

    private static double medianGflops(Runnable op, int calls, int warmup, double flops) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        double[] g = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            op.run();
            g[i] = flops / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
        java.util.Arrays.sort(g);
        return g[calls / 2];
    }

    /** Samples/s of {@code train} over {@code batches} full-size batches after {@code warmup} untimed ones. */
    private static Map<String, Object> timeTraining(
            String label,
            java.util.function.Consumer<DataSet> train,
            ShuffledArrayIterator it,
            int batches,
            int warmup) {
        for (int i = 0; i < warmup; i++) {
            train.accept(nextBatch(it));
        }
        long samples = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            DataSet ds = nextBatch(it);
            train.accept(ds);
            samples += ds.numExamples();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batchSize", it.batch());
        r.put("batches", batches);
        r.put("seconds", seconds);
        r.put("samplesPerSecond", samples / seconds);
        System.err.printf(
                Locale.ROOT,
                "%s: %.0f samples/s (batch %d, %d batches, %.2f s)%n",
                label,
                samples / seconds,
                it.batch(),
                batches,
                seconds);
        return r;
    }

    private static DataSet nextBatch(ShuffledArrayIterator it) {
        if (!it.hasNext()) {
            it.reset();
        }
        DataSet ds = it.next();
        if (ds.numExamples() < it.batch()) { // keep every timed batch full-size, as the peer does
            it.reset();
            ds = it.next();
        }
        return ds;
    }
}

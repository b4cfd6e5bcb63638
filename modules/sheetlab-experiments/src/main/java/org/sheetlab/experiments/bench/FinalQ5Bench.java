package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.data.iterator.BatchPrefetcher;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.train.fast.DenseAdamStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sheetlab bench final-q5}: training samples/s of the sheet's Final Q5 network (784-300-100-10, Adam, FLOAT)
 * on the real Fashion-MNIST training set, the experiment's loop (shuffled batches), with final-q5's fast step
 * ({@link DenseAdamStep}) and with DL4J's {@code fit}, against the same network in PyTorch; per batch size, alternating
 * rounds. The ratio is the fast step's over the best peer's at the worst batch size.
 */
@Command(
        name = "final-q5",
        mixinStandardHelpOptions = true,
        description = "Final Q5 network (784-300-100-10, Adam) training samples/s: sheetlab's fast step and DL4J's fit "
                + "vs PyTorch, per batch size.")
final class FinalQ5Bench extends TrainingBench {
    @Option(
            names = "--batch-sizes",
            split = "[ ,]+",
            description = "The batch sizes compared, e.g. \"32 128 512\" (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes = List.of(32, 128, 512);

    /**
     * Whether each round also measures the fast step with oneDNN's sgemm ({@code -Dsheetlab.blas.dnnl=true}, DirectGemm's
     * opt-in backend), the report then taking sheetlab's faster configuration per batch size and naming it, as it takes
     * the peer's faster thread setting. Measured on the 2-vCPU Xeon (busy machine, back to back, batch 512): 97,533 /
     * 103,508 samples/s against 91,597 / 91,968 with the default (system OpenBLAS) and 87,954 / 86,065 with the bundled
     * OpenBLAS.
     */
    @Option(
            names = "--dnnl",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Also measure the fast step with -Dsheetlab.blas.dnnl=true and take sheetlab's faster "
                    + "configuration, naming it, as the peer's faster thread setting is taken (default: "
                    + "${DEFAULT-VALUE}).")
    boolean dnnl = true;

    /** The JVM options of the child JVM about to start (the oneDNN variant's property), none otherwise. */
    private List<String> childOptions = List.of();

    @Override
    List<String> childJvmOptions() {
        return childOptions;
    }

    FinalQ5Bench() {
        super(128, 400, 300); // warm-up: see TrainingBench
        step = "fit";
    }

    /** It measures its own pair (fit as the main figure, the fast DenseAdamStep beside it). */
    @Override
    boolean comparesSteps() {
        return false;
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        for (int b : batchSizes) {
            batchSize = b;
            rounds(Integer.toString(b), "final_q5_torch.py", List.of("--step", "fit"), List.of());
        }
        return report("--batch-sizes", batchSizes.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    }

    /** The fast step (DenseAdamStep) beside DL4J's fit. */
    @Override
    void alsoMeasure(String key, int r) throws IOException, InterruptedException {
        List<Object> fast = new java.util.ArrayList<>(setting());
        fast.addAll(List.of("--step", "fast"));
        sheetlab(file("fast", key, r), fast.toArray());
        if (dnnl) {
            childOptions = List.of("-D" + org.sheetlab.core.threads.DirectGemm.DNNL_PROPERTY + "=true");
            try {
                sheetlab(file("fastdnnl", key, r), fast.toArray());
            } finally {
                childOptions = List.of();
            }
        }
    }

    /**
     * The system property ({@code -Dsheetlab.bench.prefetch=true|false}, default false) that gathers each batch on a
     * background thread while the step before it trains ({@link BatchPrefetcher}), to overlap the gather (0.5 ms of a
     * 3.7–4 ms step at batch 512 on the 2-vCPU Xeon) with the step; the batches, their order and the final loss are the
     * same either way. Off by default: on 2 cores it gained nothing (busy machine, back to back: 130,851 / 136,091
     * samples/s on against 133,437 / 139,600 off; the wait for the batch fell from 0.49–0.51 to 0.33–0.36 ms, and the
     * step grew by as much, as the gathering thread competes with OpenBLAS's two threads for the cores).
     */
    static final String PREFETCH_PROPERTY = "sheetlab.bench.prefetch";

    static boolean prefetch() {
        String v = System.getProperty(PREFETCH_PROPERTY);
        if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (v.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(PREFETCH_PROPERTY + " must be true or false, got '" + v + "'");
    }

    @Override
    Map<String, Object> measure() {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(
                FinalQ5Network.builder().setInputSize(784).optSeed(seed).build());
        net.init();
        DenseAdamStep[] fastStep = new DenseAdamStep[1];
        Consumer<DataSet> train = switch (step) {
            case "fit" -> net::fit;
            case "fast", "auto" -> {
                DenseAdamStep fast = DenseAdamStep.of(net);
                fastStep[0] = fast;
                int[] calls = {0};
                yield ds -> {
                    fast.fit(ArrayDataSource.toMulti(ds));
                    if (++calls[0] == warmup) { // -Dsheetlab.fast.profile=true: the timed steps only
                        fast.resetProfile();
                    }
                };
            }
            case "core" -> { // the general fast core (FastCore) on this network, to compare with DenseAdamStep
                org.sheetlab.train.fast.FastCore core = org.sheetlab.train.fast.FastCore.of(net);
                yield ds -> core.fit(ds.getFeatures(), ds.getLabels());
            }
            default -> throw new IllegalArgumentException("--step must be fit, fast or core, got " + step);
        };
        // the fast step consumes each batch before the next, so its batches are gathered into reused arrays: a ring
        // of two when the next batch is gathered on a background thread while the step trains (PREFETCH)
        boolean prefetch = prefetch();
        ShuffledArrayIterator it =
                data.train().shuffledIterator(batchSize, seed).reuseBuffers(step.equals("fit") ? 0 : prefetch ? 2 : 1);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(
                "impl",
                "sheetlab " + step + " (DL4J " + Nd4j.getBackend().getClass().getSimpleName() + ")");
        r.put("step", step);
        r.put("prefetch", prefetch);
        BatchPrefetcher<DataSet> ahead = prefetch ? new BatchPrefetcher<>(() -> nextBatch(it)) : null;
        DataSet lossBatch;
        try {
            r.putAll(timeTraining("sheetlab", train, prefetch ? ahead::next : () -> nextBatch(it), batchSize));
            lossBatch = prefetch ? ahead.last() : nextBatch(it); // the same batch either way
        } finally {
            if (ahead != null) {
                ahead.close();
            }
        }
        if (fastStep[0] != null && !fastStep[0].profileMs().isEmpty()) {
            Map<String, Double> parts = fastStep[0].profileMs();
            r.put("stepProfileMs", parts);
            parts.forEach((k, v) -> System.err.printf(java.util.Locale.ROOT, "sheetlab fast: %-34s %8.4f ms%n", k, v));
        }
        r.put("finalLoss", net.score(lossBatch, false));
        r.put("threads", Nd4j.getEnvironment().maxMasterThreads());
        r.put("blasThreads", Nd4j.factory().blas().getMaxThreads());
        r.put("blas", Nd4j.getExecutioner().getEnvironmentInformation().getProperty("blas.vendor", "?"));
        r.put("gemm", org.sheetlab.core.threads.DirectGemm.reason()); // the products' path and OpenBLAS file
        return r;
    }
}

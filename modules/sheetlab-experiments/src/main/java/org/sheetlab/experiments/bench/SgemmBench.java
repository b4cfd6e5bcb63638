package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.threads.DirectGemm;
import org.sheetlab.core.threads.HostThreads;
import picocli.CommandLine.Command;

/**
 * {@code sheetlab bench sgemm}: this machine's SGEMM peak, C = A·B for 2048×2048 FLOAT matrices: ND4J's
 * {@code Nd4j.gemm} (one OpenBLAS thread under OMP_NUM_THREADS=1), and the same product split by columns over two
 * Java threads ({@link HostThreads#gemmColumns} with two parts, as the fast dense step splits on two cores), split
 * by rows over the host threads ({@link HostThreads#gemm}) (both through {@link org.sheetlab.core.threads.DirectGemm},
 * so {@code -Dsheetlab.blas.direct=false} compares them with {@code Nd4j.gemm}), and whole on OpenBLAS's own threads (one per core, only
 * while these calls run), the same through the system OpenBLAS (DirectGemm's SYSTEM backend) on one thread and on its
 * own threads, median GFLOP/s over {@code --batches} calls, against {@code torch.mm} at torch's two thread settings (its
 * OpenBLAS on one thread per core either way) and on one thread in all (torch's and OpenBLAS's); the report adds what
 * it implies for the final-q5 step.
 */
@Command(
        name = "sgemm",
        mixinStandardHelpOptions = true,
        description = "2048x2048 float GEMM, median GFLOP/s: ND4J (one thread, and split over two) vs torch.mm.")
final class SgemmBench extends Bench {
    SgemmBench() {
        super(20, 3);
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        sheetlab("sheetlab.json", "--batches", batches, "--warmup", warmup);
        peer("torch.json", "sgemm_torch.py", cores, "--calls", batches, "--warmup", warmup);
        peer("torch1.json", "sgemm_torch.py", 1, "--calls", batches, "--warmup", warmup);
        // torch.set_num_threads(1) leaves Debian's OpenBLAS on one thread per core (bench/torch_blas.py): the peer on
        // one thread in all, for the one-thread comparison
        peer("torch1blas1.json", "sgemm_torch.py", 1, "--calls", batches, "--warmup", warmup, "--blas-threads", 1);
        return report();
    }

    @Override
    Map<String, Object> measure() {
        int n = 2048;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n).dup('f');
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
        double flops = 2.0 * n * n * n;
        double single = medianGflops(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), flops);
        double split = medianGflops(() -> HostThreads.gemmColumns(a, b, c, false, 2), flops);
        // the same product split by rows (C c-order, so a block of its rows is contiguous), and whole on OpenBLAS's
        // own threads (one per core) for as long as the calls run
        INDArray cRows = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'c');
        double rows = medianGflops(() -> HostThreads.gemm(a, b, cRows, false, false), flops);
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(cores);
        double openBlas;
        try {
            openBlas = medianGflops(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), flops);
        } finally {
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
        // the system OpenBLAS (DirectGemm's -Dsheetlab.blas.system backend) on one thread and on its own threads (one
        // per core), as ND4J's count is set; NaN where it did not load
        DirectGemm.Backend system = DirectGemm.Backend.SYSTEM;
        double systemOne = Double.NaN;
        double systemThreads = Double.NaN;
        if (DirectGemm.gemmWith(system, a, b, c, false, false, 1)) {
            Nd4j.factory().blas().setMaxThreads(1);
            try {
                systemOne = medianGflops(() -> DirectGemm.gemmWith(system, a, b, c, false, false, 1), flops);
                Nd4j.factory().blas().setMaxThreads(cores);
                systemThreads = medianGflops(() -> DirectGemm.gemmWith(system, a, b, c, false, false, 1), flops);
            } finally {
                Nd4j.factory().blas().setMaxThreads(blasThreads);
            }
        }
        // oneDNN's dnnl_sgemm (DirectGemm's -Dsheetlab.blas.dnnl backend) on one thread, and split by columns over the
        // host threads (one OpenMP thread each), whichever backend this JVM selected; NaN where the preset did not load
        DirectGemm.Backend dnnl = DirectGemm.Backend.DNNL;
        boolean dnnlLoads = DirectGemm.gemmWith(dnnl, a, b, c, false, false, 1);
        double dnnlOne =
                dnnlLoads ? medianGflops(() -> DirectGemm.gemmWith(dnnl, a, b, c, false, false, 1), flops) : Double.NaN;
        double dnnlSplit = Double.NaN;
        if (dnnlLoads) {
            INDArray[] bs = new INDArray[cores];
            INDArray[] cs = new INDArray[cores];
            for (int q = 0; q < cores; q++) {
                bs[q] = b.get(
                        NDArrayIndex.all(), NDArrayIndex.interval((long) q * n / cores, (long) (q + 1) * n / cores));
                cs[q] = c.get(
                        NDArrayIndex.all(), NDArrayIndex.interval((long) q * n / cores, (long) (q + 1) * n / cores));
            }
            dnnlSplit = medianGflops(
                    () -> HostThreads.split(cores, cores, (part, q0, q1) -> {
                        for (int q = q0; q < q1; q++) {
                            DirectGemm.gemmWith(dnnl, a, bs[q], cs[q], false, false, 1);
                        }
                    }),
                    flops);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "ND4J Nd4j.gemm, FLOAT, " + n + "x" + n);
        r.put("gflopsOneThread", single);
        r.put("gflopsTwoThreadSplit", split);
        r.put("gflopsRowSplit", rows);
        r.put("gflopsOpenBlasThreads", openBlas);
        r.put("openBlasThreads", cores);
        if (!Double.isNaN(systemOne)) { // only numbers in the record: the report takes the largest gflops* figure
            r.put("gflopsSystemOneThread", systemOne);
            r.put("gflopsSystemOpenBlasThreads", systemThreads);
            r.put("systemOpenBlas", DirectGemm.describe(system));
        }
        if (dnnlLoads) { // only numbers in the record: the report takes the largest gflops* figure
            r.put("gflopsDnnlOneThread", dnnlOne);
            r.put("gflopsDnnlColumnSplit", dnnlSplit);
        }
        // the split variants' path (DirectGemm: cblas_sgemm directly, or Nd4j.gemm and why) and the OpenBLAS file
        r.put("gemm", org.sheetlab.core.threads.DirectGemm.reason());
        System.err.printf(
                Locale.ROOT,
                "sheetlab sgemm %d: %.1f GFLOP/s (1 thread), %.1f (2-thread column split), %.1f (row split), "
                        + "%.1f (OpenBLAS's own %d threads); system OpenBLAS %.1f (1 thread), %.1f (its own %d threads); "
                        + "oneDNN dnnl_sgemm %.1f (1 thread), %.1f (column split)%n",
                n,
                single,
                split,
                rows,
                openBlas,
                cores,
                systemOne,
                systemThreads,
                cores,
                dnnlOne,
                dnnlSplit);
        return r;
    }

    private double medianGflops(Runnable op, double flops) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        double[] g = new double[batches];
        for (int i = 0; i < batches; i++) {
            long t0 = System.nanoTime();
            op.run();
            g[i] = flops / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
        Arrays.sort(g);
        return g[batches / 2];
    }
}

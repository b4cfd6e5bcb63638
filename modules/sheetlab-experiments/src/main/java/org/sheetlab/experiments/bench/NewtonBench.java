package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.secondorder.BlockDiagonalHessian;
import picocli.CommandLine.Command;

/**
 * The cost of H⁻¹∇L (sheet, Midterm Q4, "Complexity"): a dense solve of an n×n symmetric positive-definite H
 * (O(n³)) against the 2×2 block-diagonal form (O(n): n/2 closed-form 2×2 inverses times 2-vectors), for growing n.
 * Dense sizes stop where the n×n matrix would pass {@code maxDenseN}; block sizes go on to 10⁶. Median ms of
 * {@code --batches} repeats (at most 9). The report adds the newton experiment's time per full-Newton and per
 * block-diagonal step over an SGD step, from a run of the experiment. Both sides are sheetlab's: there is no peer.
 */
@Command(
        name = "newton",
        mixinStandardHelpOptions = true,
        description = "H^-1 g, dense solve vs 2x2 block-diagonal, median ms for growing n (no peer).")
final class NewtonBench extends Bench {
    NewtonBench() {
        super(9, 0);
    }

    @Override
    boolean needsTorch() {
        return false;
    }

    @Override
    String noPeer() {
        return "no peer: an internal dense vs block-diagonal comparison";
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        sheetlab("newton.json", "--batches", batches);
        java(
                out.resolve("run.txt"),
                true,
                List.of("newton", "--quiet", "--output-dir", out.resolve("run").toString()));
        return report();
    }

    @Override
    Map<String, Object> measure() {
        int repeats = Math.max(1, Math.min(batches, 9));
        Nd4j.getRandom().setSeed(seed);
        List<Map<String, Object>> rows = new ArrayList<>();
        int maxDenseN = 4000;
        for (int n : new int[] {100, 300, 1000, 3000, 10_000, 100_000, 1_000_000}) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("n", n);
            INDArray g = Nd4j.randn(DataType.DOUBLE, n);
            INDArray blocks = Nd4j.rand(DataType.DOUBLE, n / 2, 2, 2);
            // make every block symmetric positive definite: B = M·Mᵀ + I
            INDArray m = blocks.dup();
            for (int i = 0; i < n / 2; i++) {
                INDArray b = m.slice(i);
                blocks.putSlice(i, b.mmul(b.transpose()).addi(Nd4j.eye(2).castTo(DataType.DOUBLE)));
            }
            BlockDiagonalHessian bd = new BlockDiagonalHessian(blocks);
            row.put("blockMs", median(repeats, () -> bd.inverseTimes(g)));
            if (n <= maxDenseN) {
                INDArray a = Nd4j.randn(DataType.DOUBLE, n, n);
                INDArray h = a.mmul(a.transpose())
                        .addi(Nd4j.eye(n).castTo(DataType.DOUBLE).muli(n));
                INDArray col = g.reshape(n, 1);
                row.put(
                        "denseMs",
                        median(
                                Math.max(1, Math.min(repeats, 3)),
                                () -> Nd4j.linalg().solve(h, col)));
            }
            System.err.printf(
                    Locale.ROOT,
                    "n = %,9d  block %10.3f ms  dense %s%n",
                    n,
                    (double) row.get("blockMs"),
                    row.containsKey("denseMs")
                            ? String.format(Locale.ROOT, "%10.3f ms", (double) row.get("denseMs"))
                            : "(skipped: n×n too large)");
            rows.add(row);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "H^-1 g: dense solve vs 2x2 block-diagonal");
        r.put("rows", rows);
        return r;
    }

    private static double median(int repeats, Runnable r) {
        r.run();
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[repeats / 2];
    }
}

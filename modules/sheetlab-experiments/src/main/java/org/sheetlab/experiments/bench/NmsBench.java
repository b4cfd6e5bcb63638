package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.detection.NonMaxSuppression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sheet's non-max suppression (p_c ≥ 0.6, IoU &gt; 0.5 discarded) on the same clustered random corner boxes
 * (DOUBLE) for sheetlab's {@link NonMaxSuppression} and torchvision.ops.nms (bench/nms_torch.py, which generates the
 * boxes and writes them for sheetlab's side; its selection of p_c ≥ 0.6 is timed with it). Median milliseconds per call
 * at each size; the ratio is the peer's time over sheetlab's at the size where it is lowest (above 1 = sheetlab
 * faster), as for pooling.
 */
@Command(
        name = "nms",
        mixinStandardHelpOptions = true,
        description = "Non-max suppression ms per call on 1k, 10k and 100k boxes: sheetlab vs torchvision.ops.nms.")
final class NmsBench extends Bench {
    NmsBench() {
        super(10, 3);
    }

    @Option(names = "--sizes", description = "Box counts, space-separated (default: ${DEFAULT-VALUE}).")
    String sizes = "1000 10000 100000";

    @Option(names = "--boxes-dir", hidden = true, description = "Where the peer wrote the boxes (set by the rounds).")
    Path boxesDir;

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        // the peer first: it generates the boxes (seeded) and writes them for sheetlab's side
        peer(
                "torch.json",
                "nms_torch.py",
                cores,
                "--sizes",
                sizes,
                "--iterations",
                batches,
                "--warmup",
                warmup,
                "--seed",
                seed,
                "--out-dir",
                out);
        sheetlab("sheetlab.json", "--sizes", sizes, "--batches", batches, "--warmup", warmup, "--boxes-dir", out);
        return report();
    }

    @Override
    Map<String, Object> measure() {
        NonMaxSuppression nms = NonMaxSuppression.sheet();
        Map<String, Object> ms = new LinkedHashMap<>();
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String size : sizes.trim().split("\\s+")) {
            int n = Integer.parseInt(size);
            INDArray boxes = Nd4j.createFromArray(read(boxesDir.resolve("boxes-" + n + ".bin"), 4 * n))
                    .reshape(n, 4);
            INDArray scores = Nd4j.createFromArray(read(boxesDir.resolve("scores-" + n + ".bin"), n));
            double[] t = new double[batches];
            int count = 0;
            for (int i = -warmup; i < batches; i++) {
                long t0 = System.nanoTime();
                count = nms.keep(boxes, scores).length;
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(t);
            ms.put(size, t[batches / 2]);
            kept.put(size, count);
            System.err.printf(Locale.ROOT, "sheetlab nms, %7d boxes: %9.3f ms, kept %d%n", n, t[batches / 2], count);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(
                "impl",
                "sheetlab NonMaxSuppression (ND4J "
                        + Nd4j.getBackend().getClass().getSimpleName() + ")");
        r.put("medianMs", ms);
        r.put("kept", kept);
        return r;
    }

    private static double[] read(Path file, int count) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.remaining() != 8L * count) {
                throw new IllegalStateException(file + ": expected " + count + " float64 values");
            }
            double[] values = new double[count];
            bytes.asDoubleBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

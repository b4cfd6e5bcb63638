package org.sheetlab.models.analysis;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The sheet's Final Q5 table for a network: one {@link LayerCount} per layer, the input first, and the totals.
 *
 * <p>Totals follow the sheet: parameters summed over layers; activations summed over all layers <em>including the
 * input</em> (Final Q5: 400 + 300 + 100 + 10 = 810 per sample), multiplied by the batch size for a batch.
 */
public record NetworkCount(List<LayerCount> layers) {
    public NetworkCount {
        layers = List.copyOf(layers);
    }

    public long totalParameters() {
        return layers.stream().mapToLong(LayerCount::parameters).sum();
    }

    public long totalActivationsPerSample() {
        return layers.stream().mapToLong(LayerCount::activationsPerSample).sum();
    }

    /** size = batch × Σ layer_output_dim. */
    public long totalActivationsForBatch(long batchSize) {
        return Math.multiplyExact(batchSize, totalActivationsPerSample());
    }

    /**
     * A plain-text table: name, type, output shape, parameters, activations (per sample, and for the batch). The name,
     * type and shape columns are 12, 22 and 16 characters wide, or as wide as their longest entry (e.g. a residual
     * block's {@code stage2_block1_1_conv}), so that the columns stay aligned.
     */
    public String toTable(long batchSize) {
        StringBuilder sb = new StringBuilder();
        int nameWidth = 12;
        int typeWidth = 22;
        int shapeWidth = 16;
        for (LayerCount l : layers) {
            nameWidth = Math.max(nameWidth, l.name().length());
            typeWidth = Math.max(typeWidth, l.type().length());
            shapeWidth = Math.max(shapeWidth, Arrays.toString(l.outputShape()).length());
        }
        String fmt = "%-" + nameWidth + "s %-" + typeWidth + "s %-" + shapeWidth + "s %14s %16s %18s%n";
        sb.append(String.format(
                Locale.ROOT,
                fmt,
                "layer",
                "type",
                "output shape",
                "parameters",
                "activations/sample",
                "activations/batch"));
        for (LayerCount l : layers) {
            sb.append(String.format(
                    Locale.ROOT,
                    fmt,
                    l.name(),
                    l.type(),
                    Arrays.toString(l.outputShape()),
                    group(l.parameters()),
                    group(l.activationsPerSample()),
                    group(l.activationsForBatch(batchSize))));
        }
        sb.append(String.format(
                Locale.ROOT,
                fmt,
                "total",
                "",
                "",
                group(totalParameters()),
                group(totalActivationsPerSample()),
                group(totalActivationsForBatch(batchSize))));
        sb.append(String.format(Locale.ROOT, "(batch size %d)%n", batchSize));
        return sb.toString();
    }

    private static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}

package org.sheetlab.layers;

/**
 * The sizes from which the host layers' passes split a batch over the host threads
 * ({@link org.sheetlab.core.threads.HostThreads}): below them a pass runs on the calling thread, because handing half
 * of it to a parked helper thread and waiting for it costs more than the half saves. Each is a system property, read
 * once:
 *
 * <ul>
 *   <li>{@value #CONV_MIN_MACS_PROPERTY} (default {@value #DEFAULT_CONV_MIN_MACS}): the fast convolutions' and
 *       transposed convolutions' passes ({@code FastConvolution2D}, {@code FastDeconvolution2D}) of at least this many
 *       multiply-adds, B·P·K·F (batch × output positions × C·K_h·K_w × output channels of the convolution the pass
 *       computes or inverts), are split by examples; the ReLU backward pass of the same layer follows the same rule;
 *   <li>{@value #WINDOW_POOLING_MIN_ELEMENTS_PROPERTY} (default {@value #DEFAULT_WINDOW_POOLING_MIN_ELEMENTS}): the
 *       sheet's window poolings (p-pooling, log-average) over at least this many input elements are split by planes.
 * </ul>
 *
 * <p>The defaults were measured on the 2-vCPU Xeon here (the README's Speed section; a shared machine, A/B runs back
 * to back): the sheet CNN's two convolutions at batch 64 (15 M and 52 M multiply-adds) trained 7% (max pooling) and
 * 12% (p = 2) faster unsplit, the DCGAN's step as fast as with every pass split, where its heavy passes stay split:
 * D's second convolution (0.9 G on 2·128 images) and G's first transposed convolution (0.2 G). The sheet CNN's
 * poolings (0.59 M and 0.13 M input elements) unsplit gave a further 2–4% in 8 of 10 pairs; the pooling bench's
 * [64, 32, 28, 28] (1.6 M) and the DCGAN's poolings (≥ 3.2 M) stay split.
 */
public final class LayerSplitRules {
    private LayerSplitRules() {}

    /** The property of {@link #CONV_MIN_MACS}. */
    public static final String CONV_MIN_MACS_PROPERTY = "sheetlab.fast.convSplitMinMacs";

    /** The property of {@link #WINDOW_POOLING_MIN_ELEMENTS}. */
    public static final String WINDOW_POOLING_MIN_ELEMENTS_PROPERTY = "sheetlab.fast.windowPoolingSplitMinElements";

    public static final long DEFAULT_CONV_MIN_MACS = 64L << 20;

    public static final long DEFAULT_WINDOW_POOLING_MIN_ELEMENTS = 1L << 20;

    /** Convolution passes of at least this many multiply-adds are split. */
    public static final long CONV_MIN_MACS =
            size(CONV_MIN_MACS_PROPERTY, System.getProperty(CONV_MIN_MACS_PROPERTY), DEFAULT_CONV_MIN_MACS);

    /** Window pooling passes over at least this many input elements are split. */
    public static final long WINDOW_POOLING_MIN_ELEMENTS = size(
            WINDOW_POOLING_MIN_ELEMENTS_PROPERTY,
            System.getProperty(WINDOW_POOLING_MIN_ELEMENTS_PROPERTY),
            DEFAULT_WINDOW_POOLING_MIN_ELEMENTS);

    /**
     * A size setting: {@code value} as a whole number ≥ 1, {@code fallback} when null or blank; else an
     * IllegalArgumentException naming the property and the value.
     */
    public static long size(String property, String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException("-D" + property + " must be a whole number >= 1, got '" + value + "'");
    }
}

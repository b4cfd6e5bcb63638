package org.sheetlab.layers;

import org.sheetlab.core.threads.HostThreads;

/**
 * The sizes from which the host layers' passes split a batch over the host threads
 * ({@link org.sheetlab.core.threads.HostThreads}): below them a pass runs on the calling thread, because handing half
 * of it to a parked helper thread and waiting for it costs more than the half saves. Each is a system property, read
 * once:
 *
 * <ul>
 *   <li>{@value #CONV_MIN_MACS_PROPERTY} (default {@value #DEFAULT_CONV_MIN_MACS}) and
 *       {@value #CONV_MIN_OUTPUTS_PROPERTY} (default {@value #DEFAULT_CONV_MIN_OUTPUTS}): the fast convolutions' and
 *       transposed convolutions' passes ({@code FastConvolution2D}, {@code FastDeconvolution2D}) of at least this many
 *       multiply-adds B·P·K·F or this many output elements B·P·F (batch × output positions × C·K_h·K_w × output
 *       channels of the convolution the pass computes or inverts) are split by examples; the ReLU backward pass of
 *       the same layer follows the same rule;
 *   <li>{@value #WINDOW_POOLING_MIN_ELEMENTS_PROPERTY} (default {@value #DEFAULT_WINDOW_POOLING_MIN_ELEMENTS}): the
 *       sheet's window poolings (p-pooling, log-average) over at least this many input elements are split by planes.
 * </ul>
 *
 * <p>The defaults were measured on the 2-vCPU Xeon here (the README's Speed section; A/B runs back to back, the
 * machine quiet): the sheet CNN at batch 64 trained 17–19% faster (max pooling) with its convolutions (15 M and 52 M
 * multiply-adds, 0.59 M and 0.13 M outputs) and poolings (0.59 M and 0.13 M input elements) unsplit. The DCGAN at
 * batch 128 lost 15% when only the multiply-adds counted: D's first convolution (1 channel, 3×3: 29–58 M
 * multiply-adds, but 3.2–6.4 M outputs, whose layout, bias and ReLU passes are the cost) must split; with the output
 * rule it trains as with every pass split (544 / 549 against 543 / 563 samples/s).
 */
public final class LayerSplitRules {
    private LayerSplitRules() {}

    /** The property of {@link #CONV_MIN_MACS}. */
    public static final String CONV_MIN_MACS_PROPERTY = "sheetlab.fast.convSplitMinMacs";

    /** The property of {@link #CONV_MIN_OUTPUTS}. */
    public static final String CONV_MIN_OUTPUTS_PROPERTY = "sheetlab.fast.convSplitMinOutputs";

    /** The property of {@link #WINDOW_POOLING_MIN_ELEMENTS}. */
    public static final String WINDOW_POOLING_MIN_ELEMENTS_PROPERTY = "sheetlab.fast.windowPoolingSplitMinElements";

    public static final long DEFAULT_CONV_MIN_MACS = 64L << 20;

    public static final long DEFAULT_CONV_MIN_OUTPUTS = 1L << 20;

    public static final long DEFAULT_WINDOW_POOLING_MIN_ELEMENTS = 1L << 20;

    /** Convolution passes of at least this many multiply-adds are split. */
    public static final long CONV_MIN_MACS = HostThreads.sizeProperty(CONV_MIN_MACS_PROPERTY, DEFAULT_CONV_MIN_MACS);

    /**
     * Convolution passes with at least this many output elements B·P·F (the elementwise passes' size: layout, bias,
     * ReLU) are split whatever their multiply-adds.
     */
    public static final long CONV_MIN_OUTPUTS =
            HostThreads.sizeProperty(CONV_MIN_OUTPUTS_PROPERTY, DEFAULT_CONV_MIN_OUTPUTS);

    /** Window pooling passes over at least this many input elements are split. */
    public static final long WINDOW_POOLING_MIN_ELEMENTS =
            HostThreads.sizeProperty(WINDOW_POOLING_MIN_ELEMENTS_PROPERTY, DEFAULT_WINDOW_POOLING_MIN_ELEMENTS);
}

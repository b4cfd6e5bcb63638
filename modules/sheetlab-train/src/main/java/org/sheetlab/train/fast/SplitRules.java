package org.sheetlab.train.fast;

import org.sheetlab.core.threads.HostThreads;

/**
 * The sizes from which the fast step's passes split over the host threads ({@link HostThreads}): below them a pass
 * runs on the calling thread, because handing half of it to a parked helper thread and waiting for it costs more than
 * the half saves. Each is a system property, read once:
 *
 * <ul>
 *   <li>{@value #DENSE_MIN_MACS_PROPERTY} (default {@value #DEFAULT_DENSE_MIN_MACS}): {@link DensePath}'s products
 *       of at least this many multiply-adds are split into blocks of rows or columns;
 *   <li>{@value #ADAM_MIN_PARAMETERS_PROPERTY} (default {@value #DEFAULT_ADAM_MIN_PARAMETERS}): {@link FastCore}'s
 *       Adam passes over at least this many parameters are split into ranges;
 *   <li>{@value #POOLING_MIN_ELEMENTS_PROPERTY} (default {@value #DEFAULT_POOLING_MIN_ELEMENTS}): {@link
 *       ArgmaxPooling}'s max and average pooling passes over at least this many input elements are split by planes.
 * </ul>
 *
 * <p>The layers' own thresholds (the convolutions, the window poolings) are {@code org.sheetlab.layers.LayerSplitRules}.
 *
 * <p>Splitting or not never changes a result bit: each output element of a product is computed by one BLAS call of the
 * same shape either way, and Adam is element-wise. The defaults were measured on the 2-vCPU Xeon here
 * (the README's Speed section): the dense GAN and VAE at batch 128, whose products have 26–51 M multiply-adds and
 * whose Adam passes 0.2–0.4 M parameters, trained 15–20% faster with every pass on one thread than split in two; the
 * sheet CNN's max poolings at batch 64 (0.59 M and 0.13 M input elements) 2–4% faster unsplit (the DCGAN's average
 * poolings, 1.6 M input elements and more, stay split).
 */
final class SplitRules {
    private SplitRules() {}

    /** The property of {@link #DENSE_MIN_MACS}. */
    static final String DENSE_MIN_MACS_PROPERTY = "sheetlab.fast.denseSplitMinMacs";

    /** The property of {@link #ADAM_MIN_PARAMETERS}. */
    static final String ADAM_MIN_PARAMETERS_PROPERTY = "sheetlab.fast.adamSplitMinParameters";

    /** The property of {@link #POOLING_MIN_ELEMENTS}. */
    static final String POOLING_MIN_ELEMENTS_PROPERTY = "sheetlab.fast.poolingSplitMinElements";

    static final long DEFAULT_DENSE_MIN_MACS = 64L << 20;

    static final long DEFAULT_POOLING_MIN_ELEMENTS = 1L << 20;

    /** ArgmaxPooling's passes over at least this many input elements are split. */
    static final long POOLING_MIN_ELEMENTS =
            HostThreads.sizeProperty(POOLING_MIN_ELEMENTS_PROPERTY, DEFAULT_POOLING_MIN_ELEMENTS);

    static final long DEFAULT_ADAM_MIN_PARAMETERS = 1L << 20;

    /** DensePath's products of at least this many multiply-adds are split. */
    static final long DENSE_MIN_MACS = HostThreads.sizeProperty(DENSE_MIN_MACS_PROPERTY, DEFAULT_DENSE_MIN_MACS);

    /** FastCore's Adam passes over at least this many parameters are split. */
    static final int ADAM_MIN_PARAMETERS = (int) Math.min(
            Integer.MAX_VALUE, HostThreads.sizeProperty(ADAM_MIN_PARAMETERS_PROPERTY, DEFAULT_ADAM_MIN_PARAMETERS));
}

package org.sheetlab.layers;

import java.util.Arrays;
import java.util.function.Supplier;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime base of the host layers with parameters (explicit forward and backward passes, arithmetic in double on
 * the heap): the layer type, no pretraining, the layer's name in messages, the forward pass of a training
 * {@code activate} kept for the {@code backpropGradient} of the same input array ({@link Cache}), {@code clear}, and
 * the input and epsilon shape checks with messages that name the layer, the shape and the setting to change.
 *
 * <p>A subclass implements {@link #forward} (returning its own {@link Pass} record), calls {@link #trainingPass} at
 * the start of {@code activate} and {@link #backwardPass} at the start of {@code backpropGradient}, and ends the latter
 * with {@link #gradientResult}. Layers that must extend another DL4J runtime class (the recurrent ones) use the
 * {@link Cache} and the static checks directly.
 *
 * @param <C> the configuration
 * @param <F> what one forward pass keeps for the backward pass
 */
public abstract class HostLayer<C extends org.deeplearning4j.nn.conf.layers.BaseLayer, F extends HostLayer.Pass>
        extends BaseLayer<C> {
    private static final long serialVersionUID = 1L;

    /** What a forward pass keeps; {@link #input()} is the layer input it was computed from (compared by identity). */
    public interface Pass {
        INDArray input();
    }

    /** The forward pass of a training {@code activate}, kept for the backward pass of the same input array. */
    public static final class Cache<F extends Pass> {
        private F kept;

        /** Keeps {@code f} when training (the backward pass follows), forgets it otherwise; returns {@code f}. */
        public F keep(boolean training, F f) {
            kept = training ? f : null;
            return f;
        }

        /** The kept pass if it was computed from {@code input}, else a recomputed one; the cache is emptied. */
        public F take(INDArray input, Supplier<F> recompute) {
            F f = kept != null && kept.input() == input ? kept : recompute.get();
            kept = null;
            return f;
        }

        public void clear() {
            kept = null;
        }
    }

    private final String kind;
    private final Type type;
    private final transient Cache<F> cache = new Cache<>();

    /** {@code kind} names the layer in messages ("GRU"), {@code type} is DL4J's layer type. */
    protected HostLayer(NeuralNetConfiguration conf, DataType dataType, String kind, Type type) {
        super(conf, dataType);
        this.kind = kind;
        this.type = type;
    }

    /** One forward pass over {@link #input} (in NCW for sequence layers: see {@link #ncw}). */
    protected abstract F forward(boolean training, LayerWorkspaceMgr mgr);

    /** The start of {@code activate}: input set, dropout applied, the forward pass (kept when training). */
    protected final F trainingPass(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        return cache.keep(training, forward(training, mgr));
    }

    /** The start of {@code backpropGradient}: the kept forward pass of this input, or a new one. */
    protected final F backwardPass(LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        return cache.take(input, () -> forward(true, mgr));
    }

    /**
     * The forward pass of {@code x} outside training (no dropout, nothing kept), for the layers' inspection methods
     * (attention weights, gates).
     */
    protected final F inspect(INDArray x) {
        setInput(x, LayerWorkspaceMgr.noWorkspaces());
        return forward(false, LayerWorkspaceMgr.noWorkspaces());
    }

    /** Row-major heap values as an array of {@code shape} in the layer's data type (made in DOUBLE, then cast). */
    protected final INDArray fromHost(double[] values, long... shape) {
        return Nd4j.create(values, shape, DataType.DOUBLE).castTo(dataType);
    }

    /** The end of {@code backpropGradient}: weight noise released, dropout's gradient applied to ε. */
    protected final Pair<Gradient, INDArray> gradientResult(Gradient gradient, INDArray epsOut) {
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /** How messages name this layer: {@code "GRU 'encoder'"} or {@code "GRU (layer 2)"}. */
    protected String name() {
        return LayerWiring.describe(kind, layerConf().getLayerName(), index);
    }

    /** The sequence layout of a recurrent configuration ({@code dataFormat}); NCW for the others. */
    protected RNNFormat format() {
        return layerConf() instanceof org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer r
                ? r.getRnnDataFormat()
                : RNNFormat.NCW;
    }

    /** {@link #input} as NCW [B, n, T] (a view for NWC input). */
    protected INDArray inputNcw() {
        return ncw(input, format());
    }

    @Override
    public void clear() {
        super.clear();
        cache.clear();
    }

    /**
     * A sequence array in NCW [B, n, T]: {@code a} itself for NCW, its [B, T, n] → [B, n, T] view for NWC. The
     * permutation is its own inverse, so the same call turns an NCW result back into the layer's format.
     */
    public static INDArray ncw(INDArray a, RNNFormat format) {
        return format == RNNFormat.NWC && a != null && a.rank() == 3 ? a.permute(0, 2, 1) : a;
    }

    /** Fails with the layer's name unless {@code x} (already NCW) is [B, nIn, T]. */
    public static void checkSequence(String who, INDArray x, long nIn, RNNFormat format) {
        String layout = format == RNNFormat.NWC ? "[B, T, n_in] (NWC)" : "[B, n_in, T] (NCW)";
        if (x.rank() != 3) {
            throw new DL4JInvalidInputException(
                    who + ": expects input " + layout + " (rank 3), got shape " + Arrays.toString(x.shape()));
        }
        if (x.size(1) != nIn) {
            INDArray given = ncw(x, format);
            throw new DL4JInvalidInputException(who + ": input shape " + Arrays.toString(given.shape()) + " read as "
                    + layout + " has n_in = " + x.size(1) + " but the layer was configured with nIn = " + nIn
                    + (format == RNNFormat.NWC ? "" : "; for [B, T, n_in] data set dataFormat(RNNFormat.NWC)"));
        }
    }

    /** Fails with the layer's name unless the mask is [B, T]. */
    public static void checkMask(String who, INDArray mask, long b, long steps) {
        if (mask != null && (mask.length() != b * steps || mask.size(0) != b)) {
            throw new DL4JInvalidInputException(who + ": mask shape " + Arrays.toString(mask.shape())
                    + " does not match [B, T] = [" + b + ", " + steps + "]");
        }
    }

    /** Fails with the layer's name unless ε has the output's shape. */
    public static void checkEpsilon(String who, INDArray epsilon, long... outShape) {
        if (!Arrays.equals(epsilon.shape(), outShape)) {
            throw new DL4JInvalidInputException(who + ": epsilon shape " + Arrays.toString(epsilon.shape())
                    + " does not match the output " + Arrays.toString(outShape));
        }
    }
}

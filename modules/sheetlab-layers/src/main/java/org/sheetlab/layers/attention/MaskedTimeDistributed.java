package org.sheetlab.layers.attention;

import java.util.Arrays;
import java.util.Collection;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.layers.recurrent.TimeDistributedLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's {@link TimeDistributed} with sequence masks that land on the right steps. In M2.1 the wrapper flattens the
 * activations batch-major (row b·T + t) but the mask time-major (f order, row t·B + b), so a wrapped dense layer
 * zeroes the outputs of the wrong steps whenever the examples are padded differently (measured: with B = 2, T = 5 and
 * the last two steps of example 1 padded, steps 2 and 4 of example 1 were zeroed instead of 3 and 4). This wrapper
 * flattens the mask batch-major too; everything else is DL4J's. {@link CrossAttention} builds its projections with it.
 */
public class MaskedTimeDistributed extends TimeDistributed {
    private static final long serialVersionUID = 1L;

    public MaskedTimeDistributed(
            @JsonProperty("underlying") Layer underlying, @JsonProperty("rnnDataFormat") RNNFormat rnnDataFormat) {
        super(underlying, rnnDataFormat);
    }

    /** NCW sequences. */
    public MaskedTimeDistributed(Layer underlying) {
        this(underlying, RNNFormat.NCW);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        NeuralNetConfiguration inner = conf.clone();
        inner.setLayer(getUnderlying());
        return new Runtime(
                getUnderlying()
                        .instantiate(inner, listeners, layerIndex, layerParamsView, initializeParams, networkDataType),
                getRnnDataFormat());
    }

    /** The runtime wrapper: masks [B, T] ↔ [B·T, 1] batch-major, as the activations. */
    static final class Runtime extends TimeDistributedLayer {
        private static final long serialVersionUID = 1L;
        private final RNNFormat format;
        private transient INDArray sequenceMask;

        Runtime(org.deeplearning4j.nn.api.Layer underlying, RNNFormat format) {
            super(underlying, format);
            this.format = format;
        }

        /** The mask [B, T] must match the input's B and T (a named error instead of ND4J's shape error). */
        @Override
        public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr mgr) {
            if (sequenceMask != null && input.rank() == 3) {
                long steps = input.size(format == RNNFormat.NWC ? 1 : 2);
                if (sequenceMask.size(0) != input.size(0) || sequenceMask.length() != input.size(0) * steps) {
                    String name = getUnderlying().conf().getLayer().getLayerName();
                    throw new DL4JInvalidInputException("time-distributed layer '" + name + "'"
                            + ": the sequence mask has shape " + Arrays.toString(sequenceMask.shape())
                            + " but must be [B, T] = [" + input.size(0) + ", " + steps + "] for the input "
                            + Arrays.toString(input.shape()));
                }
            }
            return super.activate(input, training, mgr);
        }

        private static INDArray rows(INDArray mask) {
            return mask.dup('c').reshape('c', mask.length(), 1);
        }

        @Override
        public void setMaskArray(INDArray maskArray) {
            sequenceMask = maskArray;
            getUnderlying().setMaskArray(maskArray == null ? null : rows(maskArray));
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArray(
                INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
            sequenceMask = maskArray;
            if (maskArray == null) {
                return getUnderlying().feedForwardMaskArray(null, currentMaskState, minibatchSize);
            }
            Pair<INDArray, MaskState> p =
                    getUnderlying().feedForwardMaskArray(rows(maskArray), currentMaskState, minibatchSize);
            if (p != null && p.getFirst() != null) {
                p.setFirst(p.getFirst().dup('c').reshape('c', maskArray.size(0), maskArray.size(1)));
            }
            return p;
        }
    }
}

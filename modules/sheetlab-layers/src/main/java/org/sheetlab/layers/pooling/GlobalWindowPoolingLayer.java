package org.sheetlab.layers.pooling;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime layer behind {@link GlobalWindowPooling}: rows [B·C, positions] reduced to [B, C]. */
public final class GlobalWindowPoolingLayer extends PoolingRuntimeLayer<GlobalWindowPooling> {
    private static final long serialVersionUID = 1L;

    public GlobalWindowPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private INDArray rows() {
        if (input.rank() != 3 && input.rank() != 4) {
            throw new IllegalStateException(layerConf().getClass().getSimpleName() + " " + layerId()
                    + ": expects [B, C, H, W] or [B, C, T] input, got shape " + Arrays.toString(input.shape()));
        }
        if (maskArray != null) {
            throw new UnsupportedOperationException(layerConf().getClass().getSimpleName() + " " + layerId()
                    + " does not support masks; pool fixed-length sequences or use DL4J's GlobalPoolingLayer");
        }
        long b = input.size(0);
        long c = input.size(1);
        return input.dup('c').reshape('c', b * c, input.length() / (b * c));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray y = layerConf().function().forward(rows()).reshape('c', input.size(0), input.size(1));
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, y);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray rows = rows();
        INDArray y = layerConf().function().forward(rows);
        INDArray dy = epsilon.dup('c').reshape('c', rows.size(0), 1);
        INDArray eps = layerConf().function().backward(rows, y, dy).reshape('c', input.shape());
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps));
    }
}

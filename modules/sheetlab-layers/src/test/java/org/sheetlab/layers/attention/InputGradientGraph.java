package org.sheetlab.layers.attention;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A ComputationGraph that also returns ∂L/∂inputs (DL4J M2.1's {@code backpropGradient} returns only the parameter
 * gradients), for L = Σ output ⊙ ε with an external ε on the graph's single output. Test-only; needs workspaces off.
 */
final class InputGradientGraph extends ComputationGraph {
    private static final long serialVersionUID = 1L;

    InputGradientGraph(ComputationGraphConfiguration conf) {
        super(conf);
    }

    /** The parameter gradients and the input gradients (in the order of the graph's inputs) at {@code inputs}. */
    Pair<Gradient, INDArray[]> gradients(INDArray[] inputs, INDArray[] masks, INDArray epsilon) {
        setLayerMaskArrays(masks, null);
        feedForward(inputs, true, false);
        calcBackpropGradients(false, false, epsilon);
        INDArray[] dx = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            INDArray e = getVertex(getConfiguration().getNetworkInputs().get(i)).getEpsilon();
            dx[i] = e == null ? null : e.dup();
        }
        Gradient g = gradient();
        clearLayersStates();
        clearLayerMaskArrays();
        return new Pair<>(g, dx);
    }

    /** L = Σ output ⊙ ε for a forward pass without training. */
    double objective(INDArray[] inputs, INDArray[] masks, INDArray epsilon) {
        return output(false, inputs, masks)[0].mul(epsilon).sumNumber().doubleValue();
    }
}

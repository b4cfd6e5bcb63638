package org.sheetlab.layers.attention;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.HostArrays;

/**
 * What the two parameter-free attention vertices share: their configuration base ({@link TwoInputs}: two inputs, no
 * parameters, equal when of the same class), their runtime base ({@link Runtime}: no layer, no parameters, the input masks kept),
 * input checks and memory reports.
 */
final class AttentionVertices {
    private AttentionVertices() {}

    /** A parameter-free vertex configuration with exactly two inputs. */
    abstract static class TwoInputs extends org.deeplearning4j.nn.conf.graph.GraphVertex {
        private static final long serialVersionUID = 1L;

        @Override
        public TwoInputs clone() {
            try {
                return getClass().getDeclaredConstructor().newInstance(); // no fields: a new instance is a copy
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o != null && o.getClass() == getClass();
        }

        @Override
        public int hashCode() {
            return getClass().hashCode();
        }

        @Override
        public long numParams(boolean backprop) {
            return 0;
        }

        @Override
        public int minVertexInputs() {
            return 2;
        }

        @Override
        public int maxVertexInputs() {
            return 2;
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + "()";
        }
    }

    /** The runtime base: no layer, no parameters, the inputs' sequence masks kept for the passes. */
    abstract static class Runtime extends org.deeplearning4j.nn.graph.vertex.BaseGraphVertex {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private transient INDArray[] masks;

        Runtime(
                org.deeplearning4j.nn.graph.ComputationGraph graph,
                String name,
                int idx,
                org.nd4j.linalg.api.buffer.DataType dataType,
                String kind) {
            super(graph, name, idx, null, null, dataType);
            this.kind = kind;
        }

        /** "AdditivePairsVertex 'pairs'", for messages. */
        String who() {
            return kind + " " + vertexName;
        }

        @Override
        public boolean hasLayer() {
            return false;
        }

        @Override
        public org.deeplearning4j.nn.api.Layer getLayer() {
            return null;
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            if (backpropGradientsViewArray != null) {
                throw new IllegalStateException(kind + " has no parameters");
            }
        }

        /**
         * Keeps the inputs' masks ([B, T] each, null entries for unmasked inputs) for the passes that follow, and
         * returns the output's mask ({@link #outputMask}).
         */
        @Override
        public org.nd4j.common.primitives.Pair<INDArray, org.deeplearning4j.nn.api.MaskState> feedForwardMaskArrays(
                INDArray[] masks, org.deeplearning4j.nn.api.MaskState state, int minibatch) {
            this.masks = masks == null ? null : masks.clone();
            return new org.nd4j.common.primitives.Pair<>(outputMask(), state);
        }

        /** The mask of the output, from {@link #mask}s of the inputs (null: none). */
        abstract INDArray outputMask();

        /** The mask of input {@code i}, or null. */
        INDArray mask(int i) {
            return masks == null || i >= masks.length ? null : masks[i];
        }

        /** The mask of input {@code i} as a heap array [B·T] after checking it is [B, T]; null when it has none. */
        double[] keyMask(int i, String what, long b, long steps) {
            INDArray m = mask(i);
            if (m == null) {
                return null;
            }
            if (m.length() != b * steps || m.size(0) != b) {
                throw new IllegalStateException(who() + ": the mask of the " + what + " has shape "
                        + Arrays.toString(m.shape()) + " but must be [B, T] = [" + b + ", " + steps + "]");
            }
            return HostArrays.read(m);
        }

        /** {@code values} [B, n, T] row-major in a new array of the given type and shape, as this vertex's output. */
        static INDArray output(LayerWorkspaceMgr mgr, DataType dataType, double[] values, long... shape) {
            INDArray out = Nd4j.create(dataType, shape);
            HostArrays.write(out, values);
            return mgr.leverageTo(ArrayType.ACTIVATIONS, out);
        }

        /** The backward result: {@code grads[i]} is the gradient for input i, laid out as that input. */
        Pair<Gradient, INDArray[]> inputGradients(LayerWorkspaceMgr mgr, double[]... grads) {
            INDArray[] out = new INDArray[grads.length];
            for (int i = 0; i < grads.length; i++) {
                INDArray g = Nd4j.create(inputs[i].dataType(), inputs[i].shape());
                HostArrays.write(g, grads[i]);
                out[i] = mgr.leverageTo(ArrayType.ACTIVATION_GRAD, g);
            }
            return new Pair<>(null, out);
        }

        @Override
        public void clearVertex() {
            super.clearVertex();
            masks = null;
        }

        @Override
        public String toString() {
            return kind + "(" + vertexName + ")";
        }
    }

    /** The input types of a vertex that takes {@code names} (e.g. "(queries, keys)"), each a sequence. */
    static InputType.InputTypeRecurrent[] sequences(String vertex, String names, int count, InputType... in) {
        if (in.length != count) {
            throw new InvalidInputTypeException(vertex + ": takes " + names + ", got " + in.length + " inputs");
        }
        InputType.InputTypeRecurrent[] r = new InputType.InputTypeRecurrent[count];
        for (int i = 0; i < count; i++) {
            r[i] = recurrent(vertex, i, in[i]);
        }
        return r;
    }

    static InputType.InputTypeRecurrent recurrent(String vertex, int which, InputType t) {
        if (!(t instanceof InputType.InputTypeRecurrent r)) {
            throw new InvalidInputTypeException(
                    vertex + ": input " + which + " must be a sequence [B, n, T] " + "(InputType.recurrent), got " + t);
        }
        return r;
    }

    static void checkRank3(String vertex, String what, INDArray a) {
        if (a == null || a.rank() != 3) {
            throw new IllegalStateException(vertex + ": " + what + " must be [B, n, T], got "
                    + (a == null ? "null" : Arrays.toString(a.shape())));
        }
    }

    static MemoryReport report(Class<?> vertex, InputType in, InputType out) {
        return new LayerMemoryReport.Builder(null, vertex, in, out)
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }
}

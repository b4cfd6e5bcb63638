package org.sheetlab.layers.attention;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the two parameter-free attention vertices share: their configuration base ({@link TwoInputs}: two inputs, no
 * parameters, equal when of the same class), their runtime base ({@link Runtime}: no layer, no parameters, no masks),
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

    /** The runtime base: no layer, no parameters, sequence masks refused with a message. */
    abstract static class Runtime extends org.deeplearning4j.nn.graph.vertex.BaseGraphVertex {
        private static final long serialVersionUID = 1L;
        private final String kind;

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

        @Override
        public org.nd4j.common.primitives.Pair<INDArray, org.deeplearning4j.nn.api.MaskState> feedForwardMaskArrays(
                INDArray[] masks, org.deeplearning4j.nn.api.MaskState state, int minibatch) {
            noMasks(who(), masks);
            return new org.nd4j.common.primitives.Pair<>(null, state);
        }

        @Override
        public String toString() {
            return kind + "(" + vertexName + ")";
        }
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

    static void noMasks(String vertex, INDArray[] masks) {
        if (masks != null) {
            for (INDArray m : masks) {
                if (m != null) {
                    throw new UnsupportedOperationException(vertex + ": sequence masks are not supported; pad the "
                            + "sequences with a padding symbol the model learns to ignore (fixed length T)");
                }
            }
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

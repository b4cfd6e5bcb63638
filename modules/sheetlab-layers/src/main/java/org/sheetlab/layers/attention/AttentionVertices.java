package org.sheetlab.layers.attention;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared checks and memory reports of the two parameter-free attention vertices. */
final class AttentionVertices {
    private AttentionVertices() {}

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

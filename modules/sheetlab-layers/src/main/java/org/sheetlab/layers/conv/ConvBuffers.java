package org.sheetlab.layers.conv;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.threads.HostThreads;

/**
 * What {@link FastConvolutionLayer} and {@link FastDeconvolutionLayer} share around their host loops: reused scratch
 * arrays outside DL4J's workspaces, one {@link HostKernels} and one gradient share per host thread, row blocks of a
 * [B·P, K] matrix, and the input checks with messages that name the layer.
 */
final class ConvBuffers {
    private ConvBuffers() {}

    /** Whether ND4J runs on the CPU (elsewhere cuDNN or the native ops are the better path). */
    static final boolean CPU = "CPU"
            .equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));

    /** Whether the host loops apply: CPU, NCHW, dilation 1, FLOAT or DOUBLE input of the layer's data type. */
    static boolean hostPath(ConvolutionLayer conf, DataType dataType, INDArray input) {
        return CPU
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conf.getDilation()[0] == 1
                && conf.getDilation()[1] == 1
                && (dataType == DataType.FLOAT || dataType == DataType.DOUBLE)
                && input != null
                && input.dataType() == dataType;
    }

    /**
     * The gradient of a backward pass: the weights' (already in {@code weightGrad}, flattened in c order) and, when
     * the layer has a bias, the bias's, {@code biasSum} (the sum of δ over everything but the channels).
     */
    static Gradient gradient(
            ConvolutionLayer conf, Map<String, INDArray> views, INDArray weightGrad, Supplier<INDArray> biasSum) {
        Gradient gradient = new DefaultGradient();
        if (conf.hasBias()) {
            INDArray biasGrad = views.get(ConvolutionParamInitializer.BIAS_KEY);
            biasGrad.assign(biasSum.get().reshape(biasGrad.shape()));
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        return gradient;
    }

    /** {@code reuse} if it is a [rows, columns] array of type {@code t}, else a new one outside any workspace. */
    static INDArray detached(INDArray reuse, DataType t, long rows, long columns) {
        if (reuse != null && reuse.dataType() == t && reuse.size(0) == rows && reuse.size(1) == columns) {
            return reuse;
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return Nd4j.createUninitialized(t, rows, columns);
        }
    }

    /** {@code parts} if it holds one array of {@code shape} and type {@code t} per host thread, else new ones. */
    static INDArray[] perThread(INDArray[] parts, DataType t, long... shape) {
        if (parts != null
                && parts.length >= HostThreads.maxParts()
                && parts[0].dataType() == t
                && Arrays.equals(parts[0].shape(), shape)) {
            return parts;
        }
        INDArray[] a = new INDArray[HostThreads.maxParts()];
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < a.length; i++) {
                a[i] = Nd4j.createUninitialized(t, shape);
            }
        }
        return a;
    }

    /** {@code kernels} if there is one per host thread, else a new set for type {@code t}. */
    static HostKernels[] perThread(HostKernels[] kernels, DataType t) {
        if (kernels != null && kernels.length >= HostThreads.maxParts()) {
            return kernels;
        }
        HostKernels[] k = new HostKernels[HostThreads.maxParts()];
        for (int i = 0; i < k.length; i++) {
            k[i] = HostKernels.of(t);
        }
        return k;
    }

    /** Rows [from, to) of a matrix (a view). */
    static INDArray rowBlock(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** {@code a} if it is c-order with default strides, else a c-order copy (the host loops read the buffer). */
    static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    /** Input [B, C, H, W] with C = {@code inDepth}, or an error that names the layer, the shape and the fix. */
    static void checkInput(INDArray input, long inDepth, String layer) {
        if (input.rank() != 4) {
            throw new DL4JInvalidInputException(layer + ": expects input [B, C, H, W] (rank 4), got shape "
                    + Arrays.toString(input.shape())
                    + (input.rank() == 2 ? "; for flattened images set InputType.convolutionalFlat(h, w, c)" : ""));
        }
        if (input.size(1) != inDepth) {
            throw new DL4JInvalidInputException(layer + ": input has " + input.size(1)
                    + " channels (shape " + Arrays.toString(input.shape())
                    + ", NCHW) but the layer was configured with nIn = " + inDepth);
        }
    }
}

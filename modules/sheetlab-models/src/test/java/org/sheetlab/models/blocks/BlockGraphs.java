package org.sheetlab.models.blocks;

import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;

/** Test graphs of one block: input "x" [B, C, H, W] → the block "b" (→ pool → softmax output, for gradient checks). */
final class BlockGraphs {
    private BlockGraphs() {}

    /** The block reading "x" and named "b", given the graph builder, its input and its name; returns its output. */
    interface Block extends BiFunction<ComputationGraphConfiguration.GraphBuilder, String, String> {}

    /** x → block "b", the block's output being the graph's output (no loss: for forward and external-gradient use). */
    static ComputationGraphConfiguration bare(InputType in, DataType type, Block block) {
        ComputationGraphConfiguration.GraphBuilder g = builder(in, type);
        return g.setOutputs(block.apply(g, "x")).build();
    }

    /** x → block "b" → global average pooling → softmax over {@code classes} (MCXENT). */
    static ComputationGraphConfiguration classifier(InputType in, DataType type, int classes, Block block) {
        ComputationGraphConfiguration.GraphBuilder g = builder(in, type);
        return g.setOutputs(ConvBlocks.classifierHead(g, block.apply(g, "x"), classes))
                .build();
    }

    static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static ComputationGraphConfiguration.GraphBuilder builder(InputType in, DataType type) {
        return new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(type)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("x")
                .setInputTypes(in);
    }
}

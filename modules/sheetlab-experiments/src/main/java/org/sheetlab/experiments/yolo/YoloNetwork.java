package org.sheetlab.experiments.yolo;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;

/** TEMPORARY stand-in for YoloDetector until the models branch lands. */
final class YoloNetwork {
    private YoloNetwork() {}

    static ComputationGraph build(YoloExperiment.Options o, YoloExperiment.Data d, long seed) {
        int nBoxes = YoloExperiment.nBoxes(d);
        int classes = d.classes().size();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(o.learningRate.get()))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional(d.height(), d.width(), d.channels()));
        String prev = "image";
        for (int i = 0; i < o.widths.size(); i++) {
            g.addLayer("conv" + i, new ConvolutionLayer.Builder(3, 3).nOut(o.widths.get(i))
                    .activation(Activation.IDENTITY).build(), prev);
            g.addLayer("bn" + i, new BatchNormalization.Builder().activation(Activation.LEAKYRELU).build(),
                    "conv" + i);
            prev = "bn" + i;
            if (i < o.widths.size() - 1) {
                g.addLayer("pool" + i, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build(), prev);
                prev = "pool" + i;
            }
        }
        g.addLayer("head", new ConvolutionLayer.Builder(1, 1).nOut(nBoxes * (5 + classes))
                .weightInit(WeightInit.XAVIER).activation(Activation.IDENTITY).build(), prev);
        g.addLayer("yolo", new Yolo2OutputLayer.Builder()
                .lambdaCoord(o.lambdaCoord).lambdaNoObj(o.lambdaNoObj)
                .boundingBoxPriors(d.anchors().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)).build(), "head");
        g.setOutputs("yolo");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }
}

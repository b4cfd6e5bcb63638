package org.sheetlab.models.backprop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.backprop.AvgPool1dChain;
import org.sheetlab.testing.DoublePrecision;

/**
 * Midterm Q3: the sheet's Jacobians ∂x4/∂x3 = σ'(x3)·I, ∂x3/∂x2 = (1/k)·1, ∂x2/∂w = x1ᵀ multiply out to the gradient
 * DL4J's own backpropagation computes for Dense(w, no bias) → 1×k average pooling (stride k) → sigmoid.
 */
@ExtendWith(DoublePrecision.class)
class AvgPool1dChainTest {
    @Test
    void sheetJacobiansEqualDl4jBackprop() {
        int n = 5;
        int m = 6;
        for (int k : new int[] {1, 2, 3}) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                    .seed(3)
                    .dataType(DataType.DOUBLE)
                    .list()
                    .layer(new DenseLayer.Builder()
                            .nIn(n)
                            .nOut(m)
                            .hasBias(false)
                            .activation(Activation.IDENTITY)
                            .build())
                    .layer(new SubsamplingLayer.Builder(PoolingType.AVG)
                            .kernelSize(1, k)
                            .stride(1, k)
                            .build())
                    .layer(new ActivationLayer.Builder()
                            .activation(Activation.SIGMOID)
                            .build())
                    // L = Σ (x4 − y)² with y = x4 − δ4/2 makes ∂L/∂x4 = δ4, an arbitrary upstream gradient
                    .layer(new LossLayer.Builder(LossFunctions.LossFunction.L2)
                            .activation(Activation.IDENTITY)
                            .build())
                    .inputPreProcessor(1, new FeedForwardToCnnPreProcessor(1, m, 1))
                    .inputPreProcessor(3, new CnnToFeedForwardPreProcessor(1, m / k, 1))
                    .setInputType(InputType.feedForward(n))
                    .build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            INDArray x1 = Nd4j.randn(DataType.DOUBLE, 4, n);
            INDArray w = net.getLayer(0).getParam("W");
            AvgPool1dChain chain = new AvgPool1dChain(k);

            INDArray x4 = net.output(x1);
            assertAllClose(x4, chain.x4(chain.x3(chain.x2(x1, w))));

            INDArray delta4 = Nd4j.randn(DataType.DOUBLE, 4, m / k);
            net.setInput(x1);
            net.setLabels(x4.sub(delta4.div(2)));
            net.computeGradientAndScore();
            assertAllClose(net.gradient().getGradientFor("0_W"), chain.gradientW(x1, w, delta4), 1e-9, 1e-12);

            // the pooling Jacobian itself: rows of 1/k over each window
            INDArray pool = chain.poolJacobian(m);
            assertThat(pool.sum(1).toDoubleVector()).containsOnly(1.0);
            assertThat(pool.getDouble(0, 0)).isEqualTo(1.0 / k);
        }
    }
}

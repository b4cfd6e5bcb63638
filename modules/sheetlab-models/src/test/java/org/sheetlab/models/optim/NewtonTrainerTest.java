package org.sheetlab.models.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.secondorder.SecondOrder;
import org.sheetlab.testing.DoublePrecision;

@ExtendWith(DoublePrecision.class)
class NewtonTrainerTest {
    private static MultiLayerNetwork regression(
            int nIn, DataType dt, LossFunctions.LossFunction loss, Activation act, int nOut) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(9)
                .dataType(dt)
                .updater(new Sgd(0.1))
                .list()
                .layer(new OutputLayer.Builder(loss).nOut(nOut).activation(act).build())
                .setInputType(InputType.feedForward(nIn))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Linear regression with MSE is a quadratic: one Newton step lands on the least-squares solution. */
    @Test
    void oneStepSolvesLeastSquares() {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 40, 3);
        INDArray trueW = Nd4j.createFromArray(new double[][] {{1.5}, {-2.0}, {0.5}});
        INDArray y =
                x.mmul(trueW).addi(0.7).addi(Nd4j.randn(DataType.DOUBLE, 40, 1).muli(0.1));
        DataSet ds = new DataSet(x, y);
        MultiLayerNetwork net = regression(3, DataType.DOUBLE, LossFunctions.LossFunction.MSE, Activation.IDENTITY, 1);
        new NewtonTrainer(net, NewtonTrainer.Mode.FULL, 0, 1e-5).step(ds);
        // normal equations on [X, 1]
        INDArray design = Nd4j.hstack(x, Nd4j.ones(DataType.DOUBLE, 40, 1));
        INDArray solution = Nd4j.linalg()
                .solve(design.transpose().mmul(design), design.transpose().mmul(y));
        assertAllClose(
                net.getLayer(0).getParam("W").reshape(3),
                solution.get(
                                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3),
                                org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .reshape(3),
                1e-5,
                1e-7);
        assertThat(net.getLayer(0).getParam("b").getDouble(0))
                .isCloseTo(solution.getDouble(3, 0), org.assertj.core.data.Offset.offset(1e-5));
    }

    /** Logistic regression: Newton (full and block-diagonal) beats plain SGD after the same number of steps. */
    @Test
    void newtonConvergesFasterThanSgdOnLogisticRegression() {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 100, 3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 100, 1);
        for (int i = 0; i < 100; i++) {
            y.putScalar(
                    i,
                    0,
                    x.getDouble(i, 0)
                                            - 0.5 * x.getDouble(i, 1)
                                            + 0.3 * Nd4j.getRandom().nextGaussian()
                                    > 0
                            ? 1
                            : 0);
        }
        DataSet ds = new DataSet(x, y);
        MultiLayerNetwork sgd = regression(3, DataType.DOUBLE, LossFunctions.LossFunction.XENT, Activation.SIGMOID, 1);
        MultiLayerNetwork full = sgd.clone();
        MultiLayerNetwork block = sgd.clone();
        double start = sgd.score(ds, false);
        NewtonTrainer fullNewton = new NewtonTrainer(full, NewtonTrainer.Mode.FULL, 1e-3, 1e-5);
        NewtonTrainer blockNewton = new NewtonTrainer(block, NewtonTrainer.Mode.BLOCK_DIAGONAL, 1e-3, 1e-5);
        double fullLoss = start;
        double blockLoss = start;
        for (int i = 0; i < 5; i++) {
            sgd.fit(ds);
            fullLoss = fullNewton.step(ds);
            blockLoss = blockNewton.step(ds);
        }
        double sgdLoss = sgd.score(ds, false);
        assertThat(fullLoss).isLessThan(sgdLoss).isLessThan(start);
        assertThat(blockLoss).isLessThan(start);
        // the Hessian of the logistic loss by hand: H = X̃ᵀ·Diag(p(1 − p))·X̃ with X̃ = [X, 1] (DL4J's parameter order
        // W then b) and p the network's output. No 1/B: DL4J's gradient before the updater is summed over the batch,
        // so the trainer's Hessian is that of the summed loss (B × the mean's). κ(H) from it, finite
        INDArray p = full.output(x);
        INDArray design = Nd4j.hstack(x, Nd4j.ones(DataType.DOUBLE, 100, 1));
        INDArray weighted = design.mulColumnVector(p.mul(p.rsub(1.0)));
        INDArray expectedHessian = design.transpose().mmul(weighted);
        INDArray hessian = fullNewton.hessian(ds);
        assertAllClose(hessian, expectedHessian, 1e-6, 1e-9); // finite differences of the gradient, step 1e-5
        double kappa = SecondOrder.conditionNumber(hessian);
        assertThat(kappa).isFinite().isCloseTo(SecondOrder.conditionNumber(expectedHessian), within(1e-5 * kappa));
        assertThat(kappa).isGreaterThan(1.0);
    }

    @Test
    void refusesFloatNetworksAndOddBlocks() {
        assertThatThrownBy(() -> new NewtonTrainer(
                        regression(3, DataType.FLOAT, LossFunctions.LossFunction.MSE, Activation.IDENTITY, 1),
                        NewtonTrainer.Mode.FULL,
                        0,
                        1e-5))
                .hasMessageContaining("DOUBLE");
        assertThatThrownBy(() -> new NewtonTrainer(
                        regression(2, DataType.DOUBLE, LossFunctions.LossFunction.MSE, Activation.IDENTITY, 1),
                        NewtonTrainer.Mode.BLOCK_DIAGONAL,
                        0,
                        1e-5))
                .hasMessageContaining("odd");
    }
}

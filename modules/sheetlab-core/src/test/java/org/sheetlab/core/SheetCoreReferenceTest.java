package org.sheetlab.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sheetlab.core.metrics.Calibration;
import org.sheetlab.core.secondorder.BlockDiagonalHessian;
import org.sheetlab.core.secondorder.Hessian2x2;
import org.sheetlab.core.secondorder.SecondOrder;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/** The sheet's core formulas against PyTorch/NumPy (sheet_core.py → sheet_core.json). */
@ExtendWith(DoublePrecision.class)
class SheetCoreReferenceTest {
    private static final JsonNode REF =
            ReferenceValues.load("/reference/sheet_core.json").root();

    private static INDArray arr(String... path) {
        JsonNode n = REF;
        for (String p : path) {
            n = n.get(p);
        }
        return ReferenceValues.array(n);
    }

    @Test
    void activations() {
        INDArray z = arr("activations", "z");
        INDArray sig = Activation.SIGMOID.getActivationFunction().getActivation(z.dup(), false);
        assertAllClose(sig, arr("activations", "sigmoid"), 1e-12, 1e-15);
        assertAllClose(sig.mul(sig.rsub(1.0)), arr("activations", "sigmoidGrad"), 1e-12, 1e-15); // σ' = σ(1 − σ)
        assertAllClose(
                Activation.RELU6.getActivationFunction().getActivation(z.dup(), false),
                arr("activations", "relu6"),
                0,
                0); // min(max(z, 0), 6): exact
        INDArray sm = Activation.SOFTMAX
                .getActivationFunction()
                .getActivation(z.reshape(1, z.length()).dup(), false);
        assertAllClose(sm.reshape(z.length()), arr("activations", "softmax"), 1e-12, 1e-15);
    }

    @Test
    void newtonOnTheQuadratic() {
        JsonNode n = REF.get("newton");
        double a = n.get("a").asDouble();
        double b = n.get("b").asDouble();
        double c = n.get("c").asDouble();
        assertAllClose(Hessian2x2.ofQuadratic(a, b, c), arr("newton", "hessian"), 1e-12, 1e-15);
        assertAllClose(Hessian2x2.inverseOfQuadratic(a, b, c), arr("newton", "inverse"), 1e-12, 1e-15);
        INDArray w0 = arr("newton", "w0");
        assertAllClose(
                SecondOrder.newtonStep(w0, Hessian2x2.ofQuadratic(a, b, c), arr("newton", "gradient"), 0),
                arr("newton", "step"),
                1e-10,
                1e-12);
    }

    @Test
    void eigenvaluesConditionNumberAndBlockDiagonal() {
        INDArray ev = SecondOrder.eigenvalues(arr("eigen", "matrix"));
        assertAllClose(Nd4j.sort(ev.reshape(ev.length()), true), arr("eigen", "eigenvalues"), 1e-10, 1e-12);
        double kappa = SecondOrder.conditionNumber(arr("eigen", "matrix"));
        assertThat(kappa)
                .isFinite()
                .isCloseTo(
                        REF.at("/eigen/kappa").asDouble(),
                        within(1e-10 * REF.at("/eigen/kappa").asDouble()));
        INDArray out = new BlockDiagonalHessian(arr("blockDiagonal", "blocks")).inverseTimes(arr("blockDiagonal", "g"));
        assertAllClose(out, arr("blockDiagonal", "inverseTimes"), 1e-10, 1e-12);
    }

    @Test
    void expectedCalibrationError() {
        int[] labels = arr("calibration", "labels").toIntVector();
        assertThat(Calibration.reliability(
                                arr("calibration", "probabilities"),
                                labels,
                                REF.at("/calibration/bins").asInt())
                        .ece())
                .isCloseTo(REF.at("/calibration/ece").asDouble(), within(1e-12));
    }

    /** The chain rule ∂L/∂w = ∂L/∂s · ∂s/∂z · ∂z/∂w for L = (σ(w·x) − t)², against autograd and finite differences. */
    @Test
    void chainRule() {
        INDArray x = arr("chainRule", "x");
        INDArray w = arr("chainRule", "w");
        double t = REF.at("/chainRule/t").asDouble();
        double z = w.mul(x).sumNumber().doubleValue();
        double s = 1 / (1 + Math.exp(-z));
        INDArray chain = x.mul(2 * (s - t) * s * (1 - s)); // dL/ds · ds/dz · dz/dw
        assertAllClose(chain, arr("chainRule", "gradient"), 1e-12, 1e-15);
        assertThat((s - t) * (s - t)).isCloseTo(REF.at("/chainRule/loss").asDouble(), within(1e-14));
        double eps = 1e-6;
        for (int i = 0; i < 3; i++) {
            INDArray wp = w.dup();
            wp.putScalar(i, w.getDouble(i) + eps);
            INDArray wm = w.dup();
            wm.putScalar(i, w.getDouble(i) - eps);
            double lp = Math.pow(
                    Transforms.sigmoid(Nd4j.scalar(
                                            DataType.DOUBLE,
                                            wp.mul(x).sumNumber().doubleValue()))
                                    .getDouble(0)
                            - t,
                    2);
            double lm = Math.pow(
                    Transforms.sigmoid(Nd4j.scalar(
                                            DataType.DOUBLE,
                                            wm.mul(x).sumNumber().doubleValue()))
                                    .getDouble(0)
                            - t,
                    2);
            assertThat((lp - lm) / (2 * eps)).isCloseTo(chain.getDouble(i), within(1e-8));
        }
    }
}

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
import org.sheetlab.core.backprop.AvgPool1dChain;
import org.sheetlab.core.loss.Mse;
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

    /**
     * The chain rule ∂L/∂w = ∂L/∂s · ∂s/∂z · ∂z/∂w for L = (σ(w·x) − t)², computed by the project's code: the sheet's
     * chain x → Dense(w) → AvgPool1D(k = 1, the identity) → σ with {@link AvgPool1dChain}'s Jacobians, and ∂L/∂s and
     * L from {@link Mse} (B = K = 1); against PyTorch autograd, and against central differences of the same forward
     * chain.
     */
    @Test
    void chainRule() {
        INDArray x = arr("chainRule", "x").reshape(1, 3); // x1 [1, n]
        INDArray w = arr("chainRule", "w").reshape(3, 1); // w [n, m], m = 1
        INDArray t = Nd4j.valueArrayOf(new long[] {1, 1}, REF.at("/chainRule/t").asDouble(), DataType.DOUBLE);
        AvgPool1dChain chain = new AvgPool1dChain(1);
        Mse mse = new Mse();
        INDArray s = chain.x4(chain.x3(chain.x2(x, w))); // σ(w·x) [1, 1]
        assertThat(mse.value(t, s)).isCloseTo(REF.at("/chainRule/loss").asDouble(), within(1e-14));
        INDArray gradient = chain.gradientW(x, w, mse.gradient(t, s)); // ∂L/∂w [n, 1]
        assertAllClose(gradient.reshape(3), arr("chainRule", "gradient"), 1e-12, 1e-15);
        double eps = 1e-6;
        for (int i = 0; i < 3; i++) {
            INDArray wp = w.dup();
            wp.putScalar(i, 0, w.getDouble(i, 0) + eps);
            INDArray wm = w.dup();
            wm.putScalar(i, 0, w.getDouble(i, 0) - eps);
            double lp = mse.value(t, chain.x4(chain.x3(chain.x2(x, wp))));
            double lm = mse.value(t, chain.x4(chain.x3(chain.x2(x, wm))));
            assertThat(gradient.getDouble(i, 0)).isCloseTo((lp - lm) / (2 * eps), within(1e-8));
        }
    }
}

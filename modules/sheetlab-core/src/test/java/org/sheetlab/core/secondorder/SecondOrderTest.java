package org.sheetlab.core.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;
import org.sheetlab.testing.DoublePrecision;

/** Midterm Q4 and the condition-number box, by hand and against general-purpose linear algebra. */
@ExtendWith(DoublePrecision.class)
class SecondOrderTest {
    /** ∇(a·x² + b·xy + c·y²) = [2a·x + b·y, b·x + 2c·y]. */
    private static INDArray quadraticGradient(double a, double b, double c, INDArray w) {
        double x = w.getDouble(0);
        double y = w.getDouble(1);
        return Nd4j.createFromArray(2 * a * x + b * y, b * x + 2 * c * y);
    }

    @Test
    void closedFormInverseEqualsAGeneralInverse() {
        for (double[] abc : new double[][] {{1, 0, 1}, {2, 1, 3}, {0.5, -0.7, 4}, {3, 2.5, 1}}) {
            INDArray h = Hessian2x2.ofQuadratic(abc[0], abc[1], abc[2]);
            assertAllClose(Hessian2x2.inverseOfQuadratic(abc[0], abc[1], abc[2]), InvertMatrix.invert(h, false));
            assertAllClose(Hessian2x2.inverse(h), InvertMatrix.invert(h, false));
            assertAllClose(h.mmul(Hessian2x2.inverse(h)), Nd4j.eye(2));
        }
        assertThatThrownBy(() -> Hessian2x2.inverseOfQuadratic(1, 2, 1)).hasMessageContaining("singular");
    }

    @Test
    void oneNewtonStepLandsOnTheMinimumOfAQuadratic() {
        // minimum of a·x² + b·xy + c·y² (positive definite: 4ac > b²) is at the origin
        double a = 2;
        double b = 1;
        double c = 3;
        INDArray w = Nd4j.createFromArray(4.0, -7.0);
        INDArray next = SecondOrder.newtonStep(w, Hessian2x2.ofQuadratic(a, b, c), quadraticGradient(a, b, c, w), 0);
        assertAllClose(next, Nd4j.createFromArray(0.0, 0.0), 0, 1e-12);
        // the same with the sheet's closed-form inverse: w − H⁻¹∇L
        INDArray viaInverse = w.sub(Hessian2x2.inverseOfQuadratic(a, b, c)
                .mmul(quadraticGradient(a, b, c, w).reshape(2, 1))
                .reshape(2));
        assertAllClose(viaInverse, next, 0, 1e-12);
        // damping shortens the step but keeps the direction towards the minimum
        INDArray damped = SecondOrder.newtonStep(w, Hessian2x2.ofQuadratic(a, b, c), quadraticGradient(a, b, c, w), 1);
        // by hand: H + I = [[5,1],[1,7]], (H + I)⁻¹ = [[7,−1],[−1,5]]/34, ∇L(4,−7) = [9, −38]
        // → (H + I)⁻¹∇L = [101, −199]/34 → w − … = [35, −39]/34
        assertAllClose(damped, Nd4j.createFromArray(35.0 / 34, -39.0 / 34), 1e-14, 1e-15);
        assertThat(damped.norm2Number().doubleValue())
                .isLessThan(w.norm2Number().doubleValue());
    }

    @Test
    void conditionNumberFromTheEigendecomposition() {
        INDArray diag = Nd4j.diag(Nd4j.createFromArray(1.0, 4.0, 10.0));
        assertThat(SecondOrder.conditionNumber(diag)).isFinite().isCloseTo(10.0, within(1e-13));
        INDArray h = Hessian2x2.ofQuadratic(2, 1, 3); // [[4,1],[1,6]]: λ = 5 ± √2
        INDArray before = h.dup();
        double kappa = (5 + Math.sqrt(2)) / (5 - Math.sqrt(2));
        assertThat(SecondOrder.conditionNumber(h)).isFinite().isCloseTo(kappa, within(1e-13 * kappa));
        assertThat(h).as("the input is not overwritten").isEqualTo(before);
        // H = U·Diag(λ)·Uᵀ with a known λ and a Householder reflection U = I − 2vvᵀ/(vᵀv): eigenvalues come back
        double[] lambda = {0.5, 1, 2, 3.5, 40};
        INDArray v = Nd4j.createFromArray(1.0, -2.0, 0.5, 3.0, 1.5).reshape(5, 1);
        INDArray u = Nd4j.eye(5)
                .castTo(DataType.DOUBLE)
                .subi(v.mmul(v.transpose())
                        .muli(2
                                / v.norm2Number().doubleValue()
                                / v.norm2Number().doubleValue()));
        INDArray spd = u.mmul(Nd4j.diag(Nd4j.createFromArray(lambda))).mmul(u.transpose());
        INDArray ev = SecondOrder.eigenvalues(spd);
        assertAllClose(Nd4j.sort(ev.reshape(5), true), Nd4j.createFromArray(lambda), 1e-12, 1e-13);
        assertThat(SecondOrder.conditionNumber(spd)).isFinite().isCloseTo(40 / 0.5, within(1e-12 * 80));
        // a singular matrix: λ_min = 0 gives an infinite condition number, exactly
        assertThat(SecondOrder.conditionNumber(Nd4j.diag(Nd4j.createFromArray(0.0, 2.0))))
                .isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void blockDiagonalInverseTimesGradientEqualsTheDenseSolve() {
        int n = 10;
        INDArray blocks = Nd4j.create(DataType.DOUBLE, n / 2, 2, 2);
        for (int i = 0; i < n / 2; i++) {
            INDArray m = Nd4j.randn(DataType.DOUBLE, 2, 2);
            blocks.putSlice(i, m.mmul(m.transpose()).addi(Nd4j.eye(2)));
        }
        BlockDiagonalHessian bd = new BlockDiagonalHessian(blocks);
        INDArray dense = bd.toDense();
        INDArray g = Nd4j.randn(DataType.DOUBLE, n);
        INDArray expected =
                InvertMatrix.invert(dense, false).mmul(g.reshape(n, 1)).reshape(n);
        assertAllClose(bd.inverseTimes(g), expected, 1e-10, 1e-12);
        assertAllClose(BlockDiagonalHessian.fromDense(dense).toDense(), dense, 0, 0);
        assertThatThrownBy(() -> bd.inverseTimes(Nd4j.zeros(4))).hasMessageContaining("10");
    }

    @Test
    void finiteDifferenceHessianOfAQuadraticIsExact() {
        INDArray h = SecondOrder.finiteDifferenceHessian(
                w -> quadraticGradient(2, 1, 3, w), Nd4j.createFromArray(0.3, -1.2), 1e-4);
        assertAllClose(h, Hessian2x2.ofQuadratic(2, 1, 3), 1e-8, 1e-8);
    }

    /** κ(H + λI) = (λmax + λ)/(λmin + λ): eigenvalues {0, 4} with λ = 1 give 5; λ = 0 gives +∞ (singular H). */
    @Test
    void dampedConditionNumberByHand() {
        INDArray eig = Nd4j.createFromArray(4.0, 0.0, 1.0);
        assertThat(SecondOrder.dampedConditionNumber(eig, 1.0)).isEqualTo(5.0);
        assertThat(SecondOrder.dampedConditionNumber(eig, 0.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(SecondOrder.dampedConditionNumber(Nd4j.createFromArray(-2.0, 3.0), 1.0))
                .isEqualTo(-4.0);
        // diag(1, 9) + 1·I = diag(2, 10): κ = 5, as conditionNumber of the damped matrix itself
        INDArray h = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 9}});
        assertThat(SecondOrder.dampedConditionNumber(SecondOrder.eigenvalues(h), 1.0))
                .isCloseTo(SecondOrder.conditionNumber(h.add(Nd4j.eye(2))), within(1e-12))
                .isCloseTo(5.0, within(1e-12));
        assertThatThrownBy(() -> SecondOrder.dampedConditionNumber(eig, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

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
        INDArray viaInverse = w.sub(Hessian2x2.inverseOfQuadratic(a, b, c).mmul(quadraticGradient(a, b, c, w)
                .reshape(2, 1)).reshape(2));
        assertAllClose(viaInverse, next, 0, 1e-12);
        // damping shortens the step but keeps the direction towards the minimum
        INDArray damped = SecondOrder.newtonStep(w, Hessian2x2.ofQuadratic(a, b, c), quadraticGradient(a, b, c, w), 1);
        assertThat(damped.norm2Number().doubleValue()).isLessThan(w.norm2Number().doubleValue()).isGreaterThan(0);
    }

    @Test
    void conditionNumberFromTheEigendecomposition() {
        INDArray diag = Nd4j.diag(Nd4j.createFromArray(1.0, 4.0, 10.0));
        assertThat(SecondOrder.conditionNumber(diag)).isCloseTo(10.0, within(1e-9));
        INDArray h = Hessian2x2.ofQuadratic(2, 1, 3); // [[4,1],[1,6]]: λ = 5 ± √2
        INDArray before = h.dup();
        assertThat(SecondOrder.conditionNumber(h)).isCloseTo((5 + Math.sqrt(2)) / (5 - Math.sqrt(2)), within(1e-9));
        assertThat(h).as("the input is not overwritten").isEqualTo(before);
        // H = U·Diag(λ)·Uᵀ: a random symmetric positive-definite matrix has trace = Σλ
        INDArray m = Nd4j.randn(DataType.DOUBLE, 5, 5);
        INDArray spd = m.mmul(m.transpose()).addi(Nd4j.eye(5));
        double trace = 0;
        for (int i = 0; i < 5; i++) {
            trace += spd.getDouble(i, i);
        }
        assertThat(SecondOrder.eigenvalues(spd).sumNumber().doubleValue()).isCloseTo(trace, within(1e-9));
        assertThat(SecondOrder.eigenvalues(spd).minNumber().doubleValue()).isGreaterThanOrEqualTo(1.0 - 1e-9);
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
        INDArray expected = InvertMatrix.invert(dense, false).mmul(g.reshape(n, 1)).reshape(n);
        assertAllClose(bd.inverseTimes(g), expected, 1e-9, 1e-12);
        assertAllClose(BlockDiagonalHessian.fromDense(dense).toDense(), dense);
        assertThatThrownBy(() -> bd.inverseTimes(Nd4j.zeros(4))).hasMessageContaining("10");
    }

    @Test
    void finiteDifferenceHessianOfAQuadraticIsExact() {
        INDArray h = SecondOrder.finiteDifferenceHessian(w -> quadraticGradient(2, 1, 3, w),
                Nd4j.createFromArray(0.3, -1.2), 1e-4);
        assertAllClose(h, Hessian2x2.ofQuadratic(2, 1, 3), 1e-8, 1e-8);
    }

    /** κ(H + λI) = (λmax + λ)/(λmin + λ): eigenvalues {0, 4} with λ = 1 give 5; λ = 0 gives +∞ (singular H). */
    @Test
    void dampedConditionNumberByHand() {
        INDArray eig = Nd4j.createFromArray(4.0, 0.0, 1.0);
        assertThat(SecondOrder.dampedConditionNumber(eig, 1.0)).isEqualTo(5.0);
        assertThat(SecondOrder.dampedConditionNumber(eig, 0.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(SecondOrder.dampedConditionNumber(Nd4j.createFromArray(-2.0, 3.0), 1.0)).isEqualTo(-4.0);
        // diag(1, 9) + 1·I = diag(2, 10): κ = 5, as conditionNumber of the damped matrix itself
        INDArray h = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 9}});
        assertThat(SecondOrder.dampedConditionNumber(SecondOrder.eigenvalues(h), 1.0))
                .isCloseTo(SecondOrder.conditionNumber(h.add(Nd4j.eye(2))), within(1e-12)).isCloseTo(5.0, within(1e-12));
        assertThatThrownBy(() -> SecondOrder.dampedConditionNumber(eig, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}

package org.sheetlab.core.secondorder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sheet, "Block-Diagonal Inverse": H' = diag(A, B, …) ⇒ H'⁻¹ = diag(A⁻¹, B⁻¹, …). With 2×2 blocks, H'⁻¹·∇L costs O(n):
 * each block is a 2×2 matrix times a 2-vector (4 multiplications), n/2 blocks.
 *
 * <p>Storage: the blocks as [n/2, 2, 2] (block i acts on parameters 2i and 2i+1); vectors as [n]. n must be even.
 */
public final class BlockDiagonalHessian {
    private final INDArray blocks;

    /** @param blocks [n/2, 2, 2] */
    public BlockDiagonalHessian(INDArray blocks) {
        if (blocks.rank() != 3 || blocks.size(1) != 2 || blocks.size(2) != 2) {
            throw new IllegalArgumentException("BlockDiagonalHessian: blocks must be [n/2, 2, 2], got "
                    + java.util.Arrays.toString(blocks.shape()));
        }
        this.blocks = blocks;
    }

    /** The 2×2 diagonal blocks of a dense n×n H (the off-block entries are dropped: the approximation H'). */
    public static BlockDiagonalHessian fromDense(INDArray h) {
        long n = h.rows();
        if (h.rank() != 2 || h.columns() != n || n % 2 != 0) {
            throw new IllegalArgumentException("BlockDiagonalHessian.fromDense needs a square matrix of even size, got "
                    + java.util.Arrays.toString(h.shape()));
        }
        INDArray b = Nd4j.create(h.dataType(), n / 2, 2, 2);
        for (long i = 0; i < n / 2; i++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 2; c++) {
                    b.putScalar(new long[] {i, r, c}, h.getDouble(2 * i + r, 2 * i + c));
                }
            }
        }
        return new BlockDiagonalHessian(b);
    }

    public long size() {
        return 2 * blocks.size(0);
    }

    /** H'⁻¹·g in O(n): per block, the closed-form 2×2 inverse times the 2-vector (vectorised over blocks). */
    public INDArray inverseTimes(INDArray g) {
        if (g.length() != size()) {
            throw new IllegalArgumentException(
                    "gradient has " + g.length() + " entries, the Hessian is " + size() + "×" + size());
        }
        long m = blocks.size(0);
        INDArray flat = blocks.reshape('c', m, 4);
        INDArray p = flat.getColumn(0);
        INDArray q = flat.getColumn(1);
        INDArray r = flat.getColumn(2);
        INDArray s = flat.getColumn(3);
        INDArray det = p.mul(s).subi(q.mul(r));
        if (det.eq(0).any()) {
            throw new ArithmeticException("a 2×2 block of the Hessian is singular; add damping (H + λI)");
        }
        INDArray pairs = g.castTo(blocks.dataType()).reshape('c', m, 2);
        INDArray g0 = pairs.getColumn(0);
        INDArray g1 = pairs.getColumn(1);
        INDArray out0 = s.mul(g0).subi(q.mul(g1)).divi(det);
        INDArray out1 = p.mul(g1).subi(r.mul(g0)).divi(det);
        return Nd4j.hstack(out0.reshape(m, 1), out1.reshape(m, 1)).reshape('c', new long[] {size()});
    }

    /** The dense n×n matrix diag(A, B, …), for checks. */
    public INDArray toDense() {
        INDArray h = Nd4j.zeros(blocks.dataType(), size(), size());
        for (long i = 0; i < blocks.size(0); i++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 2; c++) {
                    h.putScalar(2 * i + r, 2 * i + c, blocks.getDouble(i, r, c));
                }
            }
        }
        return h;
    }
}

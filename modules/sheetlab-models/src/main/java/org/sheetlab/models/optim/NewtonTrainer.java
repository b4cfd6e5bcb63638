package org.sheetlab.models.optim;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sheetlab.core.secondorder.BlockDiagonalHessian;
import org.sheetlab.core.secondorder.SecondOrder;

/**
 * Damped Newton steps on a DL4J network (sheet, "Newton Step", Midterm Q4): w ← w − (H + λI)⁻¹∇L, with
 * <ul>
 *   <li>{@link Mode#FULL}: the dense n×n Hessian, solved in O(n³);</li>
 *   <li>{@link Mode#BLOCK_DIAGONAL}: the 2×2 diagonal blocks of H (parameters paired in DL4J's flattened order), whose
 *   inverse times the gradient costs O(n).</li>
 * </ul>
 * H comes from central finite differences of DL4J's gradient (2n gradient evaluations per step; DL4J has no
 * second-order autodiff), so the network must be DOUBLE. DL4J's gradient is summed over the minibatch; H is taken from
 * the same function, so the step H⁻¹∇L does not depend on that scaling. For small models only: n² memory.
 */
public final class NewtonTrainer {
    /** Which Hessian the step uses. */
    public enum Mode {
        FULL,
        BLOCK_DIAGONAL
    }

    private final MultiLayerNetwork net;
    private final Mode mode;
    private final double damping;
    private final double eps;

    /**
     * @param damping λ ≥ 0 added to the Hessian's diagonal (0 = the sheet's plain Newton step)
     * @param eps finite-difference step for the Hessian (1e-5 is a good default in double)
     */
    public NewtonTrainer(MultiLayerNetwork net, Mode mode, double damping, double eps) {
        if (net.params().dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("NewtonTrainer needs a DOUBLE network (finite-difference Hessians lose "
                    + "their precision in FLOAT): build it with .dataType(DataType.DOUBLE)");
        }
        if (mode == Mode.BLOCK_DIAGONAL && net.numParams() % 2 != 0) {
            throw new IllegalArgumentException(
                    "block-diagonal Newton pairs parameters into 2×2 blocks, but the network "
                            + "has an odd number of parameters (" + net.numParams() + "); use Mode.FULL");
        }
        require(damping >= 0, "NewtonTrainer", "damping", damping, ">= 0");
        require(eps > 0, "NewtonTrainer", "eps", eps, "> 0");
        this.net = net;
        this.mode = mode;
        this.damping = damping;
        this.eps = eps;
    }

    /** ∇L at parameters w on {@code ds} (a copy); leaves the network's parameters at w. */
    public INDArray gradient(INDArray w, DataSet ds) {
        net.setParams(w);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        return net.gradient().gradient().dup().reshape(w.length());
    }

    /** The Hessian of the loss on {@code ds} at the current parameters (finite differences of the gradient). */
    public INDArray hessian(DataSet ds) {
        INDArray w = net.params().dup().reshape(net.numParams());
        INDArray h = SecondOrder.finiteDifferenceHessian(p -> gradient(p, ds), w, eps);
        net.setParams(w);
        return h;
    }

    /** One Newton step on {@code ds}; returns the loss (DL4J score) after the step. */
    public double step(DataSet ds) {
        INDArray w = net.params().dup().reshape(net.numParams());
        INDArray h = hessian(ds);
        INDArray g = gradient(w, ds);
        INDArray next;
        if (mode == Mode.FULL) {
            next = SecondOrder.newtonStep(w, h, g, damping);
        } else {
            INDArray damped = damping == 0
                    ? h
                    : h.add(org.nd4j.linalg.factory.Nd4j.eye(h.rows()).muli(damping));
            next = w.sub(BlockDiagonalHessian.fromDense(damped).inverseTimes(g));
        }
        net.setParams(next);
        return net.score(ds, false);
    }
}

/**
 * Second-order training of DL4J networks (sheet, Newton Step, Midterm Q4): {@link
 * org.sheetlab.models.optim.NewtonTrainer} takes damped Newton steps w ← w − (H + λI)⁻¹∇L with the full Hessian or
 * its 2×2 block-diagonal approximation, the Hessian taken by finite differences of DL4J's own gradients.
 */
package org.sheetlab.models.optim;

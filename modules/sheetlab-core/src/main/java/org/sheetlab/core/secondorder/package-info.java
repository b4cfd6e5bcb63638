/**
 * Sheet sections "Hessian &amp; 2nd-Order Optimization" (Midterm Q4), "Newton Step" and the "Condition Number" box:
 * the 2×2 closed-form inverse, block-diagonal inverses whose product with a gradient costs O(n), the condition number
 * κ = λmax/λmin from H = U·Diag(λ)·Uᵀ, the Newton step w ← w − H⁻¹∇L, and a finite-difference Hessian of any gradient
 * function. All on ND4J, in the data type of the inputs.
 */
package org.sheetlab.core.secondorder;

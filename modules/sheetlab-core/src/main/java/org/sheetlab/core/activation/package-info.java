/**
 * Sheet section "Activation Functions": activations DL4J lacks in the sheet's form. {@link
 * org.sheetlab.core.activation.SignSte} is sign(z) = +1 if z ≥ 0, −1 if z &lt; 0 (Final Q7) with a straight-through
 * gradient, usable in any DL4J layer.
 */
package org.sheetlab.core.activation;

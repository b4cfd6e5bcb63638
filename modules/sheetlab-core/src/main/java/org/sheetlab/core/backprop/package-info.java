/**
 * Sheet sections "Gradient Descent &amp; Backprop" and "AvgPool1D Backprop" (Midterm Q3): the chain rule written out as
 * explicit Jacobians, to be compared with what DL4J's backpropagation computes.
 */
package org.sheetlab.core.backprop;

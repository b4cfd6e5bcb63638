/** Sheet section "Gradient Descent &amp; Backprop": small closed-form facts about training loops. */
package org.sheetlab.core.training;

/** The {@code moe} experiment: a mixture of experts against a dense network of equal size, with its routing per class. */
package org.sheetlab.experiments.moe;

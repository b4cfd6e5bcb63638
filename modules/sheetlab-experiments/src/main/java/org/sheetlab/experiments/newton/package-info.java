/**
 * Experiment {@code newton} (sheet, Newton Step, Midterm Q4): full and block-diagonal Newton steps against SGD and
 * Adam training the same small network on the breast-cancer data; loss against iterations and wall time, and the
 * Hessian's condition number κ = λmax/λmin.
 */
package org.sheetlab.experiments.newton;

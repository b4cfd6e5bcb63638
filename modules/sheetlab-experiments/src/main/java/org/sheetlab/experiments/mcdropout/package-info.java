/**
 * Experiment {@code mc-dropout} (sheet, Q4b): uncertainty on Fashion-MNIST from a BatchNorm + dropout network with
 * dropout kept active at test time, against plain inference: accuracy, expected calibration error and a reliability
 * diagram.
 */
package org.sheetlab.experiments.mcdropout;

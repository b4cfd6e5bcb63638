/**
 * Experiment {@code init} (sheet, Weight Initialization): the Final Q5 network on Fashion-MNIST from zero, too-large,
 * Xavier/Glorot and He/Kaiming initial weights; test accuracy per variant and per-layer activation statistics at
 * initialisation (symmetry, vanishing, exploding).
 */
package org.sheetlab.experiments.init;

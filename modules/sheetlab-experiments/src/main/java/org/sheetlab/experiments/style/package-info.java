/**
 * Experiment {@code style-transfer} (sheet: Neural Style Transfer, Final Q3): optimises an image's pixels so that a
 * fixed network's activations keep a content photo's layout and its Gram matrices take a style photo's textures.
 */
package org.sheetlab.experiments.style;

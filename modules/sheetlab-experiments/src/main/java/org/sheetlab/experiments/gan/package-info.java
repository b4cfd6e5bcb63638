/** The {@code gan} experiment: the sheet's GAN recipe against an ablation on Fashion-MNIST, with a collapse monitor. */
package org.sheetlab.experiments.gan;

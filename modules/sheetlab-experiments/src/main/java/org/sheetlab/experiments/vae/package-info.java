/** The {@code vae} experiment: a variational autoencoder on Fashion-MNIST for β = 1 and another β. */
package org.sheetlab.experiments.vae;

/** Variational autoencoders (sheet, VAE ELBO loss and VAE): the reparameterization layer with its KL term. */
package org.sheetlab.layers.vae;

/** Variational autoencoders built from DL4J layers and the sheet's reparameterization layer. */
package org.sheetlab.models.vae;

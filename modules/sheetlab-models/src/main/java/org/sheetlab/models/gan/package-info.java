/** Generative adversarial networks (sheet, GAN): the alternating discriminator/generator step on DL4J networks. */
package org.sheetlab.models.gan;

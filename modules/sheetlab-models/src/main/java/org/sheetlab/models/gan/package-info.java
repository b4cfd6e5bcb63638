/**
 * Generative adversarial networks (sheet, GAN): dense and DCGAN-style generator/discriminator pairs and their
 * alternating step on DL4J networks, with the harness step that checkpoints both.
 */
package org.sheetlab.models.gan;

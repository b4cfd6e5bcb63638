/**
 * Sheet, Transfer Learning (Final Q2d): the {@code transfer} experiment. A reduced-width VGG19 is pretrained on
 * Fashion-MNIST classes 0–4, then transferred to a 5-class target read as a DataVec image folder (classes 5–9 written
 * as PNGs, or the user's own photos with {@code --images}), comparing from-scratch training, the sheet's freeze of
 * block1–block3 and unfreezing more, across target-set sizes.
 */
package org.sheetlab.experiments.transfer;

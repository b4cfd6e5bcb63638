/**
 * Vision networks of the sheet's "Transfer Learning ★ FINAL Q2d" and "Neural Style Transfer" sections: the VGG19
 * builder with the Keras layer names and a width multiplier ({@link org.sheetlab.models.vision.Vgg19}), its static
 * per-block layer names that the transfer strategy and the style losses select by, the sheet's transfer strategy as
 * one call, and weight loading from files the user supplies (Keras HDF5, the DL4J zoo zip).
 */
package org.sheetlab.models.vision;

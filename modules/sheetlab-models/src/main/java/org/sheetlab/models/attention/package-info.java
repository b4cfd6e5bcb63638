/** Encoder–decoder networks with and without additive (Bahdanau) attention (sheet, Attention Mechanism). */
package org.sheetlab.models.attention;

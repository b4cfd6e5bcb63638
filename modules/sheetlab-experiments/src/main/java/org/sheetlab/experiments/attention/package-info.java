/** The {@code attention} experiment: reversing real words with an encoder–decoder, with and without attention. */
package org.sheetlab.experiments.attention;

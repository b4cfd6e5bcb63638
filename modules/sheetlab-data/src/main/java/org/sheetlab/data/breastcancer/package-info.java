/**
 * The Wisconsin diagnostic breast-cancer data (569 × 30, malignant = positive), as scikit-learn ships it: loaded with
 * size and checksum checks, split into stratified train / validation / test parts by seed, standardised with the
 * training part's statistics.
 */
package org.sheetlab.data.breastcancer;

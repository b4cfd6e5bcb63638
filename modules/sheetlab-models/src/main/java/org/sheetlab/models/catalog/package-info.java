/**
 * The sheet's named model families ({@link org.sheetlab.models.catalog.ModelCatalog}): every model builder of
 * sheetlab-models under the name {@code sheetlab count} knows, MultiLayerNetworks, ComputationGraphs and the GAN
 * alike. A package of its own, above the model packages, so that they never depend back on it.
 */
package org.sheetlab.models.catalog;

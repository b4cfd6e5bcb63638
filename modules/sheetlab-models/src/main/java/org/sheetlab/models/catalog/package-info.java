/**
 * {@link org.sheetlab.models.catalog.ModelCatalog}: every model family of sheetlab-models (MultiLayerNetworks,
 * ComputationGraphs and the GAN alike) under the name {@code sheetlab count} knows. It depends on every model package
 * and none depends on it, so it sits in its own package above them (in {@code org.sheetlab.models} it made a package
 * cycle with every builder package, which depends on the builder base types there).
 */
package org.sheetlab.models.catalog;

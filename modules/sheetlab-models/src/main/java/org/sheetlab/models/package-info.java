/**
 * Network builders and analysis on DL4J; see the sub-packages. Every model builder implements
 * {@link org.sheetlab.models.NetworkBuilder} ({@code build()}, {@code inputType()}, {@code networks()}): a
 * {@link org.sheetlab.models.MultiLayerNetworkBuilder}, a {@link org.sheetlab.models.ComputationGraphBuilder}, or
 * (the GAN) a builder of several networks; {@link org.sheetlab.models.catalog.ModelCatalog} names them for
 * {@code sheetlab count}.
 */
package org.sheetlab.models;

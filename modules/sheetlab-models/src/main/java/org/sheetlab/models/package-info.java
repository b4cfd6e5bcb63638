/**
 * Network builders and analysis on DL4J; see the sub-packages. Every network builder implements
 * {@link org.sheetlab.models.NetworkBuilder} ({@code build()} and {@code inputType()}), and
 * {@link org.sheetlab.models.catalog.ModelCatalog} names them for {@code sheetlab count}.
 */
package org.sheetlab.models;

/**
 * Custom DL4J layers for the sheet's concepts that DL4J lacks (see the sub-packages), and what they share: the runtime
 * bases {@link org.sheetlab.layers.HostLayer} and {@link org.sheetlab.layers.ParameterFreeLayer}, the configuration
 * wiring {@link org.sheetlab.layers.LayerWiring}, heap arrays and host threads.
 */
package org.sheetlab.layers;

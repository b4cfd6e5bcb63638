/**
 * The threads of sheetlab's host code: {@link org.sheetlab.core.threads.HostThreads}, one policy (cores, or
 * {@code -Dsheetlab.threads=N}) and one pool of daemon threads shared by the fast layers (sheetlab-layers) and the fast
 * dense training step (sheetlab-train). Not a sheet section: it is how the host kernels of several sections split a
 * minibatch [B, …] or a product's columns over the cores.
 */
package org.sheetlab.core.threads;

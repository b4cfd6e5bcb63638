/**
 * Fast training steps for networks whose layers the harness can run without DL4J's general {@code fit} machinery
 * (see the CPU-speed issue): {@link org.sheetlab.train.fast.DenseAdamStep} for the sheet's dense classifiers.
 */
package org.sheetlab.train.fast;

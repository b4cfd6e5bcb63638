/**
 * Benchmarks run from {@code scripts/bench}: the sheetlab side of each measurement, printed as JSON so the script can
 * put it beside the peer's figure (PyTorch CPU) measured in the same command.
 */
package org.sheetlab.experiments.bench;

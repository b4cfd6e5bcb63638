/**
 * In-memory DataSetIterators: a seeded, per-epoch shuffled iterator over [N, F] features and [N, C] one-hot labels
 * that can start at any (epoch, batch) position, so a resumed training run sees exactly the batches the interrupted
 * run would have seen.
 */
package org.sheetlab.data.iterator;

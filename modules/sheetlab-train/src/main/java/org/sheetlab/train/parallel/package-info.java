/**
 * Data-parallel training on one machine through DL4J's ParallelWrapper ({@link
 * org.sheetlab.train.parallel.ParallelStep}: several workers, each a replica of the network, with parameter and
 * updater averaging), a {@link org.sheetlab.train.TrainingStep} the harness drives like any other.
 */
package org.sheetlab.train.parallel;

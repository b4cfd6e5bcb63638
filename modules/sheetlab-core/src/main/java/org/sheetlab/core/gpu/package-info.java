/**
 * Which GPUs the CUDA backend of ND4J 1.0.0-M2.1 can run on, and the start-up check that stops on one it cannot
 * ({@link org.sheetlab.core.gpu.CudaCompatibility}). Not a sheet concept: an operations guard for the {@code cuda}
 * profile (README "CUDA").
 */
package org.sheetlab.core.gpu;

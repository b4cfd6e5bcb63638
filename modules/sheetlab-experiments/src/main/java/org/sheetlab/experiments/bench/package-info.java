/**
 * The benchmarks of {@code sheetlab bench <what>} ({@code scripts/bench <what>}): one command class each, sharing
 * {@link org.sheetlab.experiments.bench.Bench} (common options, sheetlab's side in child JVMs, the PyTorch peers in
 * {@code bench/*_torch.py}, the report in {@code bench/report.py}, the last line {@code ratio vs best peer: X.XX}).
 * Training-throughput benchmarks extend {@link org.sheetlab.experiments.bench.TrainingBench}.
 */
package org.sheetlab.experiments.bench;

/**
 * The training harness every sheet area builds on.
 *
 * <ul>
 *   <li>{@link org.sheetlab.train.TrainingConfig}: seed, epochs, batch size, max batches, checkpoint interval,
 *       patience: plain values, recorded in {@code run.json}.</li>
 *   <li>{@link org.sheetlab.train.TrainingStep}: one optimisation step; {@link org.sheetlab.train.NetworkStep} is
 *       DL4J's {@code fit} on a MultiLayerNetwork or ComputationGraph; loops of their own (GAN, pixel optimisation,
 *       Newton) implement the interface and get the same checkpoints and resume.</li>
 *   <li>{@link org.sheetlab.data.source.DataSource}: seekable batches (in memory, DataVec record readers, streams).</li>
 *   <li>{@link org.sheetlab.train.EvaluationSet} with {@link org.sheetlab.train.eval.Evaluator}s: metrics by name
 *       into {@code metrics.json} and {@code curves.png}.</li>
 *   <li>{@link org.sheetlab.train.TrainingLoop}: {@link org.sheetlab.train.LocalTrainingLoop} runs in this JVM; a
 *       Spark implementation is meant to take the same config, sources and evaluators.</li>
 * </ul>
 */
package org.sheetlab.train;

/**
 * Evaluators for the training harness: {@link org.sheetlab.train.eval.LossEvaluator} (the network's loss),
 * {@link org.sheetlab.train.eval.AccuracyEvaluator}, {@link org.sheetlab.train.eval.PerplexityEvaluator}; an area
 * adds its own (ELBO, mAP, analogy accuracy) by implementing {@link org.sheetlab.train.eval.Evaluator}.
 * {@link org.sheetlab.train.eval.Networks} is what evaluators, listeners and the loop ask of a MultiLayerNetwork or
 * ComputationGraph (outputs, loss, activations).
 */
package org.sheetlab.train.eval;

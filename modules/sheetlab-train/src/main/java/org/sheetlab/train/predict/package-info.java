/**
 * Batch prediction with a saved model ({@code sheetlab predict}): {@link org.sheetlab.train.predict.Predictor} loads a
 * ModelSerializer zip (a run folder's {@code model.zip}), checks it and the input against each other, and runs DL4J's
 * ParallelInference over {@link org.sheetlab.train.predict.FeatureRows} (CSV feature rows);
 * {@link org.sheetlab.train.predict.PredictionWriter} writes the predicted class and probability vector of a
 * classifier, or the raw output of any other model, as CSV or JSON.
 */
package org.sheetlab.train.predict;

/**
 * Training on Spark (issue 21): {@link org.sheetlab.spark.SparkTrainingLoop}, the harness's second
 * {@link org.sheetlab.train.TrainingLoop}, trains the batches of each epoch through DL4J's SparkDl4jMultiLayer /
 * SparkComputationGraph ({@link org.sheetlab.spark.SparkEpochTrainer}: parameter averaging, or gradient sharing) and
 * keeps the local loop's run folder, checkpoints and resume; {@link org.sheetlab.spark.SparkLoopProvider} makes it the
 * CLI's {@code --spark MASTER}; {@link org.sheetlab.spark.SparkContexts} starts Spark with the JDK 17 and ND4J memory
 * settings the executors need. The module builds {@code sheetlab-spark.jar} (the CLI plus Spark), for
 * {@code java -jar} and {@code spark-submit}; {@code scripts/spark-cluster} runs a standalone cluster on this machine.
 */
package org.sheetlab.spark;

/**
 * DL4J's training UI for sheetlab runs (issue 21, "Training UI"): {@code --ui} on any experiment trained with DL4J's
 * fit records a {@code StatsListener}'s statistics in the run folder ({@link org.sheetlab.experiments.ui.UiStats}) and
 * shows them while training ({@link org.sheetlab.experiments.ui.TrainingUi}); {@code sheetlab ui RUN_FOLDER} replays
 * them. The server listens on 127.0.0.1 only, at a free port ({@link org.sheetlab.experiments.ui.LoopbackUiServer}).
 */
package org.sheetlab.experiments.ui;

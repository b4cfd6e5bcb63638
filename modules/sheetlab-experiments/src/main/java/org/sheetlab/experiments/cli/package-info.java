/**
 * The one packaged CLI, {@code java -jar sheetlab.jar <command>}: one subcommand per experiment plus tools
 * ({@code count}, {@code bench}). The command list that {@code --help} prints is generated from
 * {@link org.sheetlab.experiments.cli.SheetlabCli#EXPERIMENTS}.
 */
package org.sheetlab.experiments.cli;

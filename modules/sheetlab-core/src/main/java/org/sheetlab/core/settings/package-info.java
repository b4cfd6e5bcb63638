/**
 * Errors about a caller's settings that name the setting, not a command-line flag: {@link
 * org.sheetlab.core.settings.InvalidSettingException} carries the setting's name (the builder's or record's own,
 * e.g. {@code batchSize}, {@code experts}), its value and the allowed range, so that a library or notebook caller
 * reads "batchSize must be >= 1, got 0" and a command line can print the same message with its own option names
 * ({@code --batch-size}). It lives in sheetlab-core, the one module below every library module (layers and models
 * depend on it directly, train through its one dependency on core), because it is plain Java and adds nothing to
 * core's class path (nd4j-api only).
 */
package org.sheetlab.core.settings;

/**
 * Dataset loading for sheetlab: datasets come from registry packages or files the project's scripts make, are checked
 * (sizes, checksums) when loaded, and are served as ND4J DataSetIterators or harness data sources. Each dataset has a
 * {@link org.sheetlab.data.DatasetDescriptor} (name, files, checksums read from {@code datasets/<name>/checksums.sha256},
 * fetch command, one search path) that finds its files and fetches missing ones. Errors are
 * {@link org.sheetlab.data.DatasetException}s naming the file and the fetch command.
 */
package org.sheetlab.data;

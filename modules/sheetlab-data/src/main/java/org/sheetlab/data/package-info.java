/**
 * Dataset loading for sheetlab: datasets come from registry packages or files the project's scripts make, are checked
 * (sizes, checksums) when loaded, and are served as ND4J DataSetIterators. Errors are {@link
 * org.sheetlab.data.DatasetException}s naming the file and the fetch command.
 */
package org.sheetlab.data;

/**
 * Seekable batch sources for the training harness: {@link org.sheetlab.data.source.DataSource} and its in-memory
 * implementation {@link org.sheetlab.data.source.ArrayDataSource}.
 */
package org.sheetlab.data.source;

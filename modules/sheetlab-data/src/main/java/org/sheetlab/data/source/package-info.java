/**
 * Seekable batch sources for the training harness: {@link org.sheetlab.data.source.DataSource}, its in-memory
 * implementation {@link org.sheetlab.data.source.ArrayDataSource}, and
 * {@link org.sheetlab.data.source.RecordReaderDataSource}, streamed from a DataVec record reader (CSV) with an
 * optional bounded shuffle buffer.
 */
package org.sheetlab.data.source;

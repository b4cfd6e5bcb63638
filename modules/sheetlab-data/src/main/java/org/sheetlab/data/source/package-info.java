/**
 * Seekable batch sources for the training harness: {@link org.sheetlab.data.source.DataSource}, its in-memory
 * implementation {@link org.sheetlab.data.source.ArrayDataSource}, and
 * {@link org.sheetlab.data.source.RecordReaderDataSource}, streamed from a DataVec record reader (CSV) with an
 * optional bounded shuffle buffer; {@link org.sheetlab.data.source.LabeledArrays}, a labelled dataset part in
 * memory with its iterators and sources. The sources build on {@code org.sheetlab.data.iterator}, never the reverse.
 */
package org.sheetlab.data.source;

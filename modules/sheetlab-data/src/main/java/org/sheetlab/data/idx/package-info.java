/**
 * Reading the IDX file format (LeCun's MNIST format, also used by Fashion-MNIST): big-endian magic number, dimension
 * sizes, then unsigned bytes; plain or gzip-compressed. Every malformed file fails with a message naming the file.
 */
package org.sheetlab.data.idx;

/** Integration tests (failsafe): the packaged sheetlab-spark.jar submitted to a two-worker standalone cluster. */
package org.sheetlab.spark.it;

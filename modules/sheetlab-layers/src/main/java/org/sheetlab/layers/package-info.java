/** Custom DL4J layers for the sheet's concepts that DL4J lacks; see the sub-packages. */
package org.sheetlab.layers;

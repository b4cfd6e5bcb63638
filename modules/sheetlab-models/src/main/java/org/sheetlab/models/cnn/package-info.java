/** Small convolutional networks from the sheet: a CNN whose pooling layers can be any of the sheet's pooling kinds. */
package org.sheetlab.models.cnn;

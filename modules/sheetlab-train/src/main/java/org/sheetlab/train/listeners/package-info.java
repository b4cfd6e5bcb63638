/** Reusable training listeners: probes that record what the sheet says to watch during training. */
package org.sheetlab.train.listeners;

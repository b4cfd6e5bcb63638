/** Network builders and analysis on DL4J; see the sub-packages. */
package org.sheetlab.models;

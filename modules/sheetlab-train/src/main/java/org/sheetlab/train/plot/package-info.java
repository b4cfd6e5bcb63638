/** PNG plots of run results with XChart, written atomically into the run folder. */
package org.sheetlab.train.plot;

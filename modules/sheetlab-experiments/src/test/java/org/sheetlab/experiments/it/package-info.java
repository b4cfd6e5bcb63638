/** Integration tests that run the packaged jar as a user does (failsafe, after {@code package}). */
package org.sheetlab.experiments.it;

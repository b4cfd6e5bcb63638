/**
 * Headless execution of IJava-dialect notebooks on JShell, in this JVM: code cells are split into snippets and
 * evaluated in order, {@code %jars} adds jars or folders of jars to the class path, {@code display(x)} shows images and
 * XChart charts, and any compile error or exception fails the run with the cell and line. Outputs can be written back
 * into the {@code .ipynb}. The supported dialect is the subset shared by IJava and other Java kernels: magics alone in
 * their own cell, {@code %jars} with paths, plain {@code display(x)} (in a declaration, {@code var shown = display(x);},
 * so that its display id is not shown as a result), no value-returning call such as {@code printf} as a cell's last
 * statement (a kernel shows the returned {@code PrintStream}), and the {@code java.util} types imported one by one
 * (rapaio-jupyter-kernel 3.0.1 loses {@code display} when {@code java.util.*} is imported again).
 */
package org.sheetlab.experiments.notebook;

package org.sheetlab.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * sheetlab-core needs nd4j-api only, and so must its tests: sheetlab-testing declares deeplearning4j-nn optional, so
 * it does not reach this module's test class path. A DL4J class here would let core code or tests depend on it
 * unnoticed.
 */
class ClassPathBoundaryTest {
    @Test
    void deeplearning4jNnIsNotOnTheTestClassPath() {
        assertThatThrownBy(() -> Class.forName("org.deeplearning4j.nn.multilayer.MultiLayerNetwork"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}

package org.sheetlab.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a test class with ND4J's default data types set to DOUBLE and restores the previous defaults afterwards, so
 * numeric tests and gradient checks see double precision without leaking global state into other test classes.
 *
 * <pre>{@code @ExtendWith(DoublePrecision.class) class MyTest { ... }}</pre>
 */
public final class DoublePrecision implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DoublePrecision.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("previous", new DataType[] {Nd4j.dataType(), Nd4j.defaultFloatingPointType()});
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        DataType[] previous = context.getStore(NS).remove("previous", DataType[].class);
        if (previous != null) {
            Nd4j.setDefaultDataTypes(previous[0], previous[1]);
        }
    }
}

package org.sheetlab.experiments.bench;

import java.util.Map;
import org.sheetlab.layers.recurrent.GRU;
import picocli.CommandLine.Command;

/**
 * {@code sheetlab bench gru}: training samples/s of sheetlab's GRU(28 → 128) in PyTorch's candidate form
 * (resetAfter, as nn.GRU) over Fashion-MNIST rows against PyTorch's nn.GRU (DL4J M2.1 has no GRU of its own).
 */
@Command(
        name = "gru",
        mixinStandardHelpOptions = true,
        description = "GRU(28->128, resetAfter) over Fashion-MNIST rows, training samples/s: sheetlab's GRU vs "
                + "PyTorch's nn.GRU.")
final class GruBench extends RowRnnBench {
    @Override
    String cell() {
        return "gru";
    }

    @Override
    Map<String, Object> measure() {
        return measure(
                new GRU.Builder().nOut(128).resetAfter(true).build(),
                "sheetlab GRU(28->128, resetAfter) + LastTimeStep + softmax");
    }
}

package org.sheetlab.models;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.sheetlab.models.mlp.FinalQ5Network;

/**
 * The sheet's named networks, by the name the CLI uses ({@code sheetlab count <name> --input N}). Each entry builds
 * the network's configuration for a given input size.
 */
public final class ModelCatalog {
    private static final Map<String, IntFunction<MultiLayerConfiguration>> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("final-q5", n -> FinalQ5Network.builder().setInputSize(n).build());
    }

    private ModelCatalog() {}

    public static Set<String> names() {
        return MODELS.keySet();
    }

    /** The configuration of model {@code name} for {@code inputSize} features. */
    public static MultiLayerConfiguration build(String name, int inputSize) {
        IntFunction<MultiLayerConfiguration> f = MODELS.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + names());
        }
        return f.apply(inputSize);
    }
}

package org.sheetlab.models.cnn;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.sheetlab.layers.pooling.LogAveragePooling2D;
import org.sheetlab.layers.pooling.PPooling2D;

/** The pooling layers the sheet compares (Final Q1), by their CLI names. */
public enum PoolingKind {
    MAX("max"),
    AVG("avg"),
    P2("p2"),
    P3("p3"),
    LOG_AVG("logavg");

    private final String cliName;

    PoolingKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** A k×k, stride-k pooling layer of this kind. */
    public Layer layer(int k) {
        return switch (this) {
            case MAX ->
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(k, k)
                        .stride(k, k)
                        .build();
            case AVG ->
                new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(k, k)
                        .stride(k, k)
                        .build();
            case P2 ->
                new PPooling2D.Builder().p(2).kernelSize(k, k).stride(k, k).build();
            case P3 ->
                new PPooling2D.Builder().p(3).kernelSize(k, k).stride(k, k).build();
            case LOG_AVG ->
                new LogAveragePooling2D.Builder().kernelSize(k, k).stride(k, k).build();
        };
    }

    /** Parses a CLI name (max, avg, p2, p3, logavg). */
    public static PoolingKind parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(k -> k.cliName.equals(n))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown pooling '" + name + "'; choose from "
                        + Arrays.stream(values()).map(PoolingKind::cliName).toList()));
    }
}

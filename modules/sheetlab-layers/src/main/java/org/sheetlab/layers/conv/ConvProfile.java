package org.sheetlab.layers.conv;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * With {@code -Dsheetlab.fast.profile=true} the fast convolution layers add the nanoseconds of each of their passes
 * (per layer index and part: "forward", "backward") here, so that a bench can report where a convolutional step's
 * time goes; off by default (the check is a constant the JIT folds).
 */
public final class ConvProfile {
    private ConvProfile() {}

    static final boolean ON = Boolean.getBoolean("sheetlab.fast.profile");

    private static final Map<String, AtomicLong> NANOS = new ConcurrentSkipListMap<>();

    /** Adds the time since {@code t0} (a {@link System#nanoTime()}) to the part {@code part} of layer {@code index}. */
    static void add(int index, String part, long t0) {
        if (ON) {
            add(index, part, t0, System.nanoTime());
        }
    }

    /** Adds {@code t1 - t0} nanoseconds to the part {@code part} of layer {@code index}. */
    static void add(int index, String part, long t0, long t1) {
        if (ON) {
            NANOS.computeIfAbsent("layer " + index + " " + part, k -> new AtomicLong())
                    .addAndGet(t1 - t0);
        }
    }

    /** Starts afresh (after warm-up steps). */
    public static void reset() {
        NANOS.clear();
    }

    /** Milliseconds per step of each recorded part, over {@code steps} steps (empty when profiling is off). */
    public static Map<String, Object> msPerStep(long steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        NANOS.forEach((k, v) -> m.put(k, Math.round(v.get() / 1e3 / steps) / 1e3));
        return m;
    }
}

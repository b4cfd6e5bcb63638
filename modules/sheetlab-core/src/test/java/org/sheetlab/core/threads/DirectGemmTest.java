package org.sheetlab.core.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The direct cblas_sgemm path: which path is chosen and why (the property, the backend, a failing binding), and that
 * its products equal {@code Nd4j.gemm}'s for every transposition and layout the callers hand it, views included.
 */
class DirectGemmTest {
    @Test
    void selectionFollowsThePropertyTheBackendAndTheProbe() {
        AtomicInteger probes = new AtomicInteger();
        DirectGemm.Selection off = DirectGemm.select("false", "CpuBackend", () -> {
            probes.incrementAndGet();
            return Optional.empty();
        });
        assertThat(off.direct()).isFalse();
        assertThat(off.reason()).contains("-Dsheetlab.blas.direct=false");

        DirectGemm.Selection cuda = DirectGemm.select(null, "CudaBackend", () -> {
            probes.incrementAndGet();
            return Optional.empty();
        });
        assertThat(cuda.direct()).isFalse();
        assertThat(cuda.reason()).contains("CudaBackend");
        assertThat(probes)
                .as("the binding is not touched when the setting or backend rules it out")
                .hasValue(0);

        DirectGemm.Selection broken = DirectGemm.select(
                " ", "CpuBackend", () -> Optional.of("UnsatisfiedLinkError: no jniopenblas_nolapack"));
        assertThat(broken.direct()).isFalse();
        assertThat(broken.reason()).contains("UnsatisfiedLinkError: no jniopenblas_nolapack");

        for (String on : new String[] {null, "true", " TRUE "}) {
            DirectGemm.Selection s = DirectGemm.select(on, "CpuBackend", Optional::empty);
            assertThat(s.direct()).as("setting %s", on).isTrue();
            assertThat(s.reason()).contains("cblas_sgemm");
        }
        assertThatThrownBy(() -> DirectGemm.select("yes", "CpuBackend", Optional::empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sheetlab.blas.direct")
                .hasMessageContaining("'yes'");
    }

    @Test
    void oneDnnIsTriedFirstUnlessSwitchedOffAndFallsBackToOpenBlas() {
        AtomicInteger dnnlProbes = new AtomicInteger();
        java.util.function.Supplier<Optional<String>> dnnlOk = () -> {
            dnnlProbes.incrementAndGet();
            return Optional.empty();
        };
        for (String unset : new String[] {null, ""}) {
            DirectGemm.Selection s = DirectGemm.select(null, unset, "CpuBackend", Optional::empty, dnnlOk);
            assertThat(s.backend())
                    .as("dnnl setting '%s'", unset)
                    .isEqualTo(DirectGemm.DNNL_BY_DEFAULT ? DirectGemm.Backend.DNNL : DirectGemm.Backend.OPENBLAS);
        }
        for (String on : new String[] {"true", " TRUE "}) {
            DirectGemm.Selection s = DirectGemm.select(null, on, "CpuBackend", Optional::empty, dnnlOk);
            assertThat(s.backend()).as("dnnl setting '%s'", on).isEqualTo(DirectGemm.Backend.DNNL);
            assertThat(s.direct()).isTrue();
            assertThat(s.reason()).contains("dnnl_sgemm");
        }
        DirectGemm.Selection off = DirectGemm.select(null, "false", "CpuBackend", Optional::empty, dnnlOk);
        assertThat(off.backend()).isEqualTo(DirectGemm.Backend.OPENBLAS);
        assertThat(off.reason()).contains("cblas_sgemm").contains("-Dsheetlab.blas.dnnl=false");
        DirectGemm.Selection broken = DirectGemm.select(
                null, "true", "CpuBackend", Optional::empty, () -> Optional.of("UnsatisfiedLinkError: no jnidnnl"));
        assertThat(broken.backend()).as("oneDNN does not load: OpenBLAS").isEqualTo(DirectGemm.Backend.OPENBLAS);
        assertThat(broken.reason()).contains("cblas_sgemm").contains("oneDNN unusable: UnsatisfiedLinkError");
        DirectGemm.Selection neither = DirectGemm.select(
                null, "true", "CpuBackend", () -> Optional.of("no openblas"), () -> Optional.of("no dnnl"));
        assertThat(neither.backend()).isEqualTo(DirectGemm.Backend.ND4J);
        assertThat(neither.reason()).contains("no openblas").contains("no dnnl");
        int before = dnnlProbes.get();
        assertThat(DirectGemm.select("false", "true", "CpuBackend", Optional::empty, dnnlOk)
                        .backend())
                .isEqualTo(DirectGemm.Backend.ND4J);
        assertThat(DirectGemm.select(null, "true", "CudaBackend", Optional::empty, dnnlOk)
                        .backend())
                .isEqualTo(DirectGemm.Backend.ND4J);
        assertThat(dnnlProbes)
                .as("oneDNN is not loaded when the direct path is off")
                .hasValue(before);
        assertThatThrownBy(() -> DirectGemm.select(null, "on", "CpuBackend", Optional::empty, dnnlOk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sheetlab.blas.dnnl")
                .hasMessageContaining("'on'");
    }

    /**
     * On this module's test classpath (nd4j-native and the oneDNN preset, no property set) the default backend is
     * taken and named in the record; the oneDNN preset loads (its check product right) and names its library.
     */
    @Test
    void theCpuBackendTakesTheDefaultBackendAndOneDnnLoads() {
        assertThat(System.getProperty(DirectGemm.PROPERTY)).isNull();
        assertThat(DirectGemm.direct()).as(DirectGemm.reason()).isTrue();
        if ("true".equals(System.getProperty(DirectGemm.DNNL_PROPERTY))
                || DirectGemm.DNNL_BY_DEFAULT && System.getProperty(DirectGemm.DNNL_PROPERTY) == null) {
            assertThat(DirectGemm.backend()).as(DirectGemm.reason()).isEqualTo(DirectGemm.Backend.DNNL);
            assertThat(DirectGemm.reason()).contains("libdnnl").contains("oneDNN 2.5.2");
            assertThat(DirectGemm.routine()).isEqualTo("dnnl_sgemm");
            assertThat(DirectGemm.threadsPerCall()).isTrue();
        } else if (System.getProperty(DirectGemm.SYSTEM_PROPERTY) == null
                && Files.isRegularFile(Path.of(DirectGemm.systemPath()))
                && DirectGemm.Both.SYSTEM_SGEMM != null
                && DirectGemm.sameBits(DirectGemm.Both.OPENBLAS_SGEMM, DirectGemm.Both.SYSTEM_SGEMM)
                        .isEmpty()) {
            assertThat(DirectGemm.backend()).as(DirectGemm.reason()).isEqualTo(DirectGemm.Backend.SYSTEM);
            // the system OpenBLAS (auto: it loaded, computed the check products right and gave the bundled bits)
            assertThat(Files.isRegularFile(Path.of(DirectGemm.systemPath()))).isTrue();
            assertThat(DirectGemm.reason())
                    .contains("system OpenBLAS")
                    .contains("OpenBLAS 0.")
                    .contains(DirectGemm.systemPath());
            assertThat(DirectGemm.routine()).isEqualTo("cblas_sgemm (system OpenBLAS)");
            assertThat(DirectGemm.threadsPerCall()).isFalse();
        } else {
            assertThat(DirectGemm.backend()).as(DirectGemm.reason()).isEqualTo(DirectGemm.Backend.OPENBLAS);
            assertThat(DirectGemm.reason()).contains("libopenblas").contains("system OpenBLAS not taken");
            if (!Files.isRegularFile(Path.of(DirectGemm.systemPath()))) {
                assertThat(DirectGemm.reason()).contains("not found");
            }
            assertThat(DirectGemm.threadsPerCall()).isFalse();
        }
        assertThat(DirectGemm.Both.DNNL_SGEMM).as("the oneDNN preset loads").isNotNull();
        assertThat(DirectGemm.Both.OMP_THREADS).as("libnd4j's setOmpNumThreads").isNotNull();
        assertThat(DirectGemm.loadedDnnl()).contains("oneDNN 2.5.2").contains("libdnnl.so.2");
    }

    /**
     * oneDNN against OpenBLAS at the Final Q5 step's shapes (batch 64 here) and layouts, on one and two OpenMP
     * threads: the same products to float rounding, and each backend repeats its own bits on every call and for every
     * thread count.
     */
    @Test
    void oneDnnAndOpenBlasAgreeAndEachRepeatsItsBits() {
        Nd4j.getRandom().setSeed(13);
        int rows = 64;
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, 784); // c-order, as a gathered batch
        INDArray w = Nd4j.randn(DataType.FLOAT, 784, 300).muli(0.05).dup('f');
        INDArray d = Nd4j.randn(DataType.FLOAT, rows, 300).dup('f');
        INDArray w1 = Nd4j.randn(DataType.FLOAT, 300, 100).muli(0.05).dup('f');
        INDArray d1 = Nd4j.randn(DataType.FLOAT, rows, 100).dup('f');
        Object[][] products = {
            {x, w, false, false, new long[] {rows, 300}}, // forward
            {x, d, true, false, new long[] {784, 300}}, // weight gradient
            {d, w1, false, false, new long[] {rows, 100}},
            {d1, w1, false, true, new long[] {rows, 300}}, // input gradient
        };
        for (Object[] p : products) {
            INDArray a = (INDArray) p[0];
            INDArray b = (INDArray) p[1];
            boolean ta = (boolean) p[2];
            boolean tb = (boolean) p[3];
            long[] shape = (long[]) p[4];
            INDArray open = Nd4j.create(DataType.FLOAT, shape, 'f');
            assertThat(DirectGemm.gemmWith(DirectGemm.Backend.OPENBLAS, a, b, open, ta, tb, 1))
                    .isTrue();
            INDArray first = null;
            for (int threads : new int[] {1, 2, 1}) {
                for (int call = 0; call < 3; call++) {
                    INDArray c = Nd4j.create(DataType.FLOAT, shape, 'f');
                    c.assign(Float.NaN);
                    assertThat(DirectGemm.gemmWith(DirectGemm.Backend.DNNL, a, b, c, ta, tb, threads))
                            .isTrue();
                    if (first == null) {
                        first = c;
                        // k up to 784 terms of size ~1: rounding ≤ k·2⁻²⁴·Σ|a||b|, far below a layout error's O(1)
                        assertAllClose(c, open, 1e-4, 1e-4);
                    } else {
                        assertThat(c)
                                .as(
                                        "dnnl_sgemm %s, %d threads, call %d: the same bits",
                                        java.util.Arrays.toString(shape), threads, call)
                                .isEqualTo(first);
                    }
                }
            }
        }
    }

    @Test
    void theSystemOpenBlasIsTakenByItsSettingAndFallsBackWithItsReason() {
        java.util.List<Boolean> asked = new java.util.ArrayList<>();
        java.util.function.Function<Boolean, Optional<String>> ok = same -> {
            asked.add(same);
            return Optional.empty();
        };
        for (String auto : new String[] {null, " ", "auto", " AUTO "}) {
            DirectGemm.Selection s =
                    DirectGemm.select(null, null, auto, "CpuBackend", Optional::empty, Optional::empty, ok);
            assertThat(s.backend()).as("system setting '%s'", auto).isEqualTo(DirectGemm.Backend.SYSTEM);
            assertThat(s.reason()).contains("system OpenBLAS");
        }
        assertThat(asked).as("auto asks for the bundled library's bits").containsOnly(true);
        asked.clear();
        DirectGemm.Selection forced =
                DirectGemm.select(null, null, "true", "CpuBackend", Optional::empty, Optional::empty, ok);
        assertThat(forced.backend()).isEqualTo(DirectGemm.Backend.SYSTEM);
        assertThat(asked).as("true takes it whatever its bits").containsExactly(false);
        asked.clear();
        DirectGemm.Selection off =
                DirectGemm.select(null, null, "false", "CpuBackend", Optional::empty, Optional::empty, ok);
        assertThat(off.backend()).isEqualTo(DirectGemm.Backend.OPENBLAS);
        assertThat(off.reason()).contains("-Dsheetlab.blas.system=false");
        DirectGemm.Selection dnnl =
                DirectGemm.select(null, "true", null, "CpuBackend", Optional::empty, Optional::empty, ok);
        assertThat(dnnl.backend()).as("oneDNN asked for: it comes first").isEqualTo(DirectGemm.Backend.DNNL);
        DirectGemm.Selection nd4j =
                DirectGemm.select("false", null, "true", "CpuBackend", Optional::empty, Optional::empty, ok);
        assertThat(nd4j.backend()).isEqualTo(DirectGemm.Backend.ND4J);
        DirectGemm.Selection noBundled = DirectGemm.select(
                null, null, "true", "CpuBackend", () -> Optional.of("no jniopenblas"), Optional::empty, ok);
        assertThat(noBundled.backend())
                .as("the bundled binding sets the threads and the reference bits: without it, Nd4j.gemm")
                .isEqualTo(DirectGemm.Backend.ND4J);
        assertThat(asked).as("the probe is not called when not asked for").isEmpty();
        DirectGemm.Selection missing = DirectGemm.select(
                null,
                null,
                null,
                "CpuBackend",
                Optional::empty,
                Optional::empty,
                same -> Optional.of("IllegalStateException: /nowhere/libopenblas.so.0 not found"));
        assertThat(missing.backend()).isEqualTo(DirectGemm.Backend.OPENBLAS);
        assertThat(missing.reason())
                .contains("cblas_sgemm called directly")
                .contains("system OpenBLAS not taken: IllegalStateException: /nowhere/libopenblas.so.0 not found");
        assertThatThrownBy(
                        () -> DirectGemm.select(null, null, "yes", "CpuBackend", Optional::empty, Optional::empty, ok))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sheetlab.blas.system must be auto, true or false, got 'yes'");
    }

    /** A library file that is not there: one clear error, which the selection records as its reason. */
    @Test
    void aMissingSystemLibraryIsNamed() {
        assertThatThrownBy(() -> SystemOpenBlas.load("/nowhere/libopenblas.so.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nowhere/libopenblas.so.0 not found");
    }

    /**
     * Where the system OpenBLAS is installed (Debian's libopenblas0-pthread, which python3-torch brings): it loads
     * beside the bundled one without taking its place (each names its own version), computes the final-q5 step's
     * products, and on this machine gives the bundled library's bits for them at one and two threads (the auto rule's
     * premise); its thread count follows the one ND4J sets on the bundled library.
     */
    @Test
    void systemOpenBlasGivesTheBundledBitsAndFollowsNd4jsThreads() {
        Assumptions.assumeTrue(
                Files.isRegularFile(Path.of(DirectGemm.systemPath())), DirectGemm.systemPath() + " is not installed");
        assertThat(DirectGemm.Both.SYSTEM_SGEMM).as("it loads").isNotNull();
        assertThat(DirectGemm.Both.OPENBLAS_SGEMM).isNotNull();
        assertThat(DirectGemm.loadedSystemOpenBlas()).contains("OpenBLAS 0.").contains(DirectGemm.systemPath());
        assertThat(DirectGemm.loadedOpenBlas())
                .as("the bundled one is still ND4J's")
                .contains("libopenblas");
        assertThat(DirectGemm.loadedSystemOpenBlas())
                .as("two libraries: the system one reports its own build")
                .doesNotContain("OpenBLAS 0.3.19");
        Nd4j.getRandom().setSeed(14);
        int rows = 128;
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, 784);
        INDArray w = Nd4j.randn(DataType.FLOAT, 784, 300).muli(0.05).dup('f');
        INDArray d = Nd4j.randn(DataType.FLOAT, rows, 300).dup('f');
        INDArray w1 = Nd4j.randn(DataType.FLOAT, 300, 100).muli(0.05).dup('f');
        INDArray d1 = Nd4j.randn(DataType.FLOAT, rows, 100).dup('f');
        Object[][] products = {
            {x, w, false, false, new long[] {rows, 300}},
            {x, d, true, false, new long[] {784, 300}},
            {d, w1, false, false, new long[] {rows, 100}},
            {d, d1, true, false, new long[] {300, 100}},
            {d1, w1, false, true, new long[] {rows, 300}},
        };
        org.nd4j.linalg.api.blas.Blas blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        try {
            for (int threads : new int[] {1, 2}) {
                blas.setMaxThreads(threads);
                for (Object[] p : products) {
                    long[] shape = (long[]) p[4];
                    INDArray want = Nd4j.create(DataType.FLOAT, shape, 'f');
                    INDArray got = Nd4j.create(DataType.FLOAT, shape, 'f');
                    got.assign(Float.NaN);
                    boolean ta = (boolean) p[2];
                    boolean tb = (boolean) p[3];
                    assertThat(DirectGemm.gemmWith(
                                    DirectGemm.Backend.OPENBLAS, (INDArray) p[0], (INDArray) p[1], want, ta, tb, 1))
                            .isTrue();
                    assertThat(DirectGemm.gemmWith(
                                    DirectGemm.Backend.SYSTEM, (INDArray) p[0], (INDArray) p[1], got, ta, tb, 1))
                            .isTrue();
                    assertThat(SystemOpenBlas.threads())
                            .as("the system library runs ND4J's thread count")
                            .isEqualTo(threads);
                    assertThat(got.data().asInt())
                            .as(
                                    "%s at %d threads: the bundled library's bits",
                                    java.util.Arrays.toString(shape), threads)
                            .isEqualTo(want.data().asInt());
                }
            }
        } finally {
            blas.setMaxThreads(before);
        }
        assertThat(DirectGemm.sameBits(DirectGemm.Both.OPENBLAS_SGEMM, DirectGemm.Both.SYSTEM_SGEMM))
                .isEmpty();
        assertThat(DirectGemm.sameBits(null, DirectGemm.Both.SYSTEM_SGEMM)).isPresent();
    }

    /** The layouts: f-order, c-order (the transpose of a column-major matrix), single rows and columns, views. */
    @Test
    void leadingDimensionsOfEachLayout() {
        assertThat(DirectGemm.columnMajorLd(Nd4j.create(DataType.FLOAT, new long[] {5, 3}, 'f')))
                .isEqualTo(5);
        assertThat(DirectGemm.columnMajorLd(Nd4j.create(DataType.FLOAT, new long[] {5, 3}, 'c')))
                .isEqualTo(-1);
        assertThat(DirectGemm.columnMajorLd(
                        Nd4j.create(DataType.FLOAT, new long[] {5, 3}, 'c').transpose()))
                .isEqualTo(3);
        assertThat(DirectGemm.columnMajorLd(Nd4j.create(DataType.FLOAT, new long[] {1, 4}, 'c')))
                .isEqualTo(1);
        assertThat(DirectGemm.columnMajorLd(Nd4j.create(DataType.FLOAT, new long[] {4, 1}, 'c')))
                .isEqualTo(4);
        INDArray f = Nd4j.create(DataType.FLOAT, new long[] {6, 8}, 'f');
        assertThat(DirectGemm.columnMajorLd(f.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 5))))
                .isEqualTo(6);
        assertThat(DirectGemm.columnMajorLd(f.get(NDArrayIndex.interval(1, 4), NDArrayIndex.all())))
                .isEqualTo(6);
    }

    /**
     * Every transposition and order of A, B and C: the same product as {@code Nd4j.gemm} up to float rounding (libnd4j
     * copies some operands first, so its BLAS call may sum in another order for some layouts).
     */
    @Test
    void productsEqualNd4jGemmForEveryTranspositionAndLayout() {
        Nd4j.getRandom().setSeed(11);
        int m = 37;
        int k = 53;
        int n = 29;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (char oa : new char[] {'c', 'f'}) {
                    for (char ob : new char[] {'c', 'f'}) {
                        for (char oc : new char[] {'c', 'f'}) {
                            INDArray a = Nd4j.randn(DataType.FLOAT, ta ? k : m, ta ? m : k)
                                    .dup(oa);
                            INDArray b = Nd4j.randn(DataType.FLOAT, tb ? n : k, tb ? k : n)
                                    .dup(ob);
                            INDArray expected = Nd4j.create(DataType.FLOAT, new long[] {m, n}, oc);
                            Nd4j.gemm(a, b, expected, ta, tb, 1.0, 0.0);
                            for (DirectGemm.Backend backend : new DirectGemm.Backend[] {
                                DirectGemm.Backend.OPENBLAS, DirectGemm.Backend.DNNL, DirectGemm.Backend.SYSTEM
                            }) {
                                if (backend == DirectGemm.Backend.SYSTEM && DirectGemm.Both.SYSTEM_SGEMM == null) {
                                    continue; // no system OpenBLAS here (systemOpenBlasGivesTheBundledBits says so)
                                }
                                INDArray c = Nd4j.create(DataType.FLOAT, new long[] {m, n}, oc);
                                c.assign(Float.NaN); // overwritten, not accumulated into
                                assertThat(DirectGemm.gemmWith(backend, a, b, c, ta, tb, 1))
                                        .as("%s computed it", backend)
                                        .isTrue();
                                // the same sums, possibly in another order: float rounding is bounded by
                                // k·2⁻²⁴·Σ|a||b| ≈ 53 · 6e-8 · 40 ≈ 1.3e-4 here (a wrong layout is off by O(1))
                                assertAllClose(c, expected, 1e-5, 1e-4);
                            }
                            INDArray c = Nd4j.create(DataType.FLOAT, new long[] {m, n}, oc);
                            c.assign(Float.NaN);
                            DirectGemm.gemm(a, b, c, ta, tb);
                            assertAllClose(c, expected, 1e-5, 1e-4);
                        }
                    }
                }
            }
        }
    }

    /** The callers' views: column blocks of f-order B and C (the fast dense step's split) and row blocks of A. */
    @Test
    void viewsWithOffsetsGiveTheBlocksOfTheWholeProduct() {
        Nd4j.getRandom().setSeed(12);
        INDArray a = Nd4j.randn(DataType.FLOAT, 40, 30); // c-order, as a batch of features
        INDArray b = Nd4j.randn(DataType.FLOAT, 30, 24).dup('f');
        INDArray whole = Nd4j.create(DataType.FLOAT, new long[] {40, 24}, 'f');
        Nd4j.gemm(a, b, whole, false, false, 1.0, 0.0);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {40, 24}, 'f');
        for (int[] cols : new int[][] {{0, 10}, {10, 24}}) {
            DirectGemm.gemm(
                    a,
                    b.get(NDArrayIndex.all(), NDArrayIndex.interval(cols[0], cols[1])),
                    c.get(NDArrayIndex.all(), NDArrayIndex.interval(cols[0], cols[1])),
                    false,
                    false);
        }
        assertAllClose(c, whole, 1e-5, 1e-6);
        INDArray rows = Nd4j.create(DataType.FLOAT, new long[] {40, 24}, 'c');
        for (int[] r : new int[][] {{0, 17}, {17, 40}}) {
            DirectGemm.gemm(
                    a.get(NDArrayIndex.interval(r[0], r[1]), NDArrayIndex.all()),
                    b,
                    rows.get(NDArrayIndex.interval(r[0], r[1]), NDArrayIndex.all()),
                    false,
                    false);
        }
        assertAllClose(rows, whole, 1e-5, 1e-6);
        // a weight-gradient product into a view of a flat vector, as the dense step writes ∂W: Xᵀ·δ
        INDArray flat = Nd4j.create(DataType.FLOAT, 1, 5 + 30 * 24);
        INDArray gw = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(5, 5 + 30 * 24))
                .reshape('f', 30, 24);
        INDArray delta = Nd4j.randn(DataType.FLOAT, 40, 24).dup('f');
        INDArray expected = Nd4j.create(DataType.FLOAT, new long[] {30, 24}, 'f');
        Nd4j.gemm(a, delta, expected, true, false, 1.0, 0.0);
        DirectGemm.gemm(a, delta, gw, true, false);
        assertAllClose(gw, expected, 1e-5, 1e-6);
        assertThat(flat.getFloat(0, 4)).isZero(); // nothing written before the view
    }

    /** Arrays BLAS cannot take directly (DOUBLE, a mismatch) go to Nd4j.gemm, which computes or reports them. */
    @Test
    void otherArraysGoToNd4jGemm() {
        INDArray a = Nd4j.randn(DataType.DOUBLE, 4, 3);
        INDArray b = Nd4j.randn(DataType.DOUBLE, 3, 5);
        INDArray c = Nd4j.create(DataType.DOUBLE, 4, 5);
        DirectGemm.gemm(a, b, c, false, false);
        assertAllClose(c, a.mmul(b), 1e-12, 1e-12);
        INDArray f = Nd4j.randn(DataType.FLOAT, 4, 3);
        assertThat(DirectGemm.sgemm(null, f, f, Nd4j.create(DataType.FLOAT, 4, 4), false, false))
                .as("3 columns against 4 rows: not computed here")
                .isFalse();
        assertThatThrownBy(() -> DirectGemm.gemm(f, f, Nd4j.create(DataType.FLOAT, 4, 4), false, false))
                .isInstanceOf(RuntimeException.class);
    }
}

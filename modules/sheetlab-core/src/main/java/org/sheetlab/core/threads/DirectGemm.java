package org.sheetlab.core.threads;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FLOAT products C = op(A)·op(B) straight through {@code cblas_sgemm} of the OpenBLAS library that ND4J itself loaded
 * (JavaCPP's {@code org.bytedeco.openblas.global.openblas_nolapack}, the class nd4j-native's own BLAS calls go
 * through), instead of {@code Nd4j.gemm}. {@code Nd4j.gemm} runs libnd4j's {@code Mmul} op, whose extra time grows
 * with the size of a c-order left operand (as a copy into f-order would) on top of a custom op's dispatch: measured
 * on the 2-vCPU Xeon
 * (busy machine, same library, same JVM), the Final Q5 forward product 512×784×300 took 1.90–2.02 ms through
 * {@code Nd4j.gemm} against 1.72 ms called directly, 512×300×100 0.31–0.35 against 0.24–0.25 ms, with identical
 * results. Here every operand is handed to BLAS in the layout it already has (a c-order matrix is the transpose of a
 * column-major one), so nothing is copied; the same BLAS routine computes the same sums.
 *
 * <p>Used when: {@code -Dsheetlab.blas.direct} ({@value #PROPERTY}) is not {@code false}, ND4J's backend is the CPU
 * one (nd4j-native: its arrays live in host memory), and the JavaCPP OpenBLAS class loads and computes a 2×2 check
 * product right. Otherwise every call goes to {@code Nd4j.gemm}, and one log line at the first use says why
 * ({@link #reason()}). Per call, arrays that are not FLOAT or whose strides BLAS cannot take (neither dimension
 * contiguous) also go to {@code Nd4j.gemm}. BLAS's thread count is ND4J's setting (one thread under
 * OMP_NUM_THREADS=1, as scripts/sheetlab runs); calls from several threads at once each run on their caller.
 */
public final class DirectGemm {
    private DirectGemm() {}

    /** The system property that turns the direct path off ({@code false}) for an A/B comparison. */
    public static final String PROPERTY = "sheetlab.blas.direct";

    private static final String OPENBLAS = "org.bytedeco.openblas.global.openblas_nolapack";
    private static final int COL_MAJOR = 102; // CblasColMajor
    private static final int NO_TRANS = 111; // CblasNoTrans
    private static final int TRANS = 112; // CblasTrans
    private static final Logger LOG = LoggerFactory.getLogger(DirectGemm.class);

    /** Which path the products take, and why (for the log line, run records and tests). */
    public record Selection(boolean direct, String reason) {}

    /** The path, chosen once at first use ({@link #select}). */
    private static final class Chosen {
        static final MethodHandle SGEMM;
        static final Selection SELECTION;

        static {
            MethodHandle[] handle = new MethodHandle[1];
            SELECTION = select(System.getProperty(PROPERTY), backendName(), () -> {
                try {
                    handle[0] = sgemmHandle();
                    return check(handle[0]);
                } catch (Throwable t) { // a missing class or native library: fall back
                    return Optional.of(t.getClass().getSimpleName() + ": " + t.getMessage());
                }
            });
            SGEMM = SELECTION.direct() ? handle[0] : null;
            if (SELECTION.direct()) {
                LOG.debug("sheetlab GEMM: {}", SELECTION.reason());
            } else {
                LOG.info("sheetlab GEMM: Nd4j.gemm, {}", SELECTION.reason());
            }
        }
    }

    /**
     * The selection rule: {@code setting} (the value of {@value #PROPERTY}, null when unset) {@code false} turns the
     * direct path off; a backend other than ND4J's CPU one ({@code CpuBackend}) keeps {@code Nd4j.gemm}; else
     * {@code probe} (load the OpenBLAS class and check a small product; it returns why it failed, or empty) decides,
     * and is only called in that case. Any other setting than true/false is an IllegalArgumentException naming it.
     */
    public static Selection select(String setting, String backend, Supplier<Optional<String>> probe) {
        if (setting != null && !setting.isBlank()) {
            String s = setting.trim();
            if (s.equalsIgnoreCase("false")) {
                return new Selection(false, "-D" + PROPERTY + "=false");
            }
            if (!s.equalsIgnoreCase("true")) {
                throw new IllegalArgumentException(PROPERTY + " must be true or false, got '" + setting + "'");
            }
        }
        if (!"CpuBackend".equals(backend)) {
            return new Selection(false, "ND4J backend " + backend + " (direct cblas_sgemm only on the CPU backend)");
        }
        Optional<String> failure = probe.get();
        if (failure.isPresent()) {
            return new Selection(false, "the bundled OpenBLAS binding is unusable (" + failure.get() + ")");
        }
        return new Selection(true, "cblas_sgemm called directly (" + loadedOpenBlas() + ")");
    }

    /** The path the products take in this JVM (decided at first use). */
    public static Selection selection() {
        return Chosen.SELECTION;
    }

    /** Whether the products go straight to cblas_sgemm in this JVM. */
    public static boolean direct() {
        return Chosen.SELECTION.direct();
    }

    /** Why the products take their path, e.g. "-Dsheetlab.blas.direct=false". */
    public static String reason() {
        return Chosen.SELECTION.reason();
    }

    /**
     * C = op(A)·op(B) (op = transpose where asked), C overwritten: directly through cblas_sgemm when {@link #direct()}
     * and the three arrays are FLOAT with a contiguous dimension each, else {@code Nd4j.gemm(a, b, c, transA, transB,
     * 1, 0)}. Shapes are checked as {@code Nd4j.gemm} checks them.
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        if (!direct() || !sgemm(Chosen.SGEMM, a, b, c, transA, transB)) {
            Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
        }
    }

    /**
     * One column-major cblas_sgemm for C = op(A)·op(B) where the layouts allow it; false (nothing computed) where they
     * do not. A matrix whose first dimension is contiguous (stride 1) is column-major with its second stride as
     * leading dimension; one whose second is contiguous is the transpose of a column-major matrix. A row-major C is
     * computed as Cᵀ = op(B)ᵀ·op(A)ᵀ.
     */
    static boolean sgemm(MethodHandle sgemm, INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        if (a.dataType() != DataType.FLOAT
                || b.dataType() != DataType.FLOAT
                || c.dataType() != DataType.FLOAT
                || a.rank() != 2
                || b.rank() != 2
                || c.rank() != 2) {
            return false;
        }
        long m = c.size(0);
        long n = c.size(1);
        long k = transA ? a.size(0) : a.size(1);
        if ((transA ? a.size(1) : a.size(0)) != m
                || (transB ? b.size(1) : b.size(0)) != k
                || (transB ? b.size(0) : b.size(1)) != n
                || m == 0
                || n == 0
                || k == 0
                || Math.max(m, Math.max(n, k)) > Integer.MAX_VALUE) {
            return false; // Nd4j.gemm reports the mismatch, or handles the empty product
        }
        long ldc = columnMajorLd(c);
        if (ldc < 0) {
            long ldcT = columnMajorLd(c.transpose());
            if (ldcT < 0) {
                return false;
            }
            // row-major C: Cᵀ = op(B)ᵀ·op(A)ᵀ into the column-major Cᵀ
            return call(sgemm, b, !transB, a, !transA, c, (int) n, (int) m, (int) k, ldcT);
        }
        return call(sgemm, a, transA, b, transB, c, (int) m, (int) n, (int) k, ldc);
    }

    /** cblas_sgemm(ColMajor, …) for C[m, n] (column-major, leading dimension ldc) = op(A)[m, k]·op(B)[k, n]. */
    private static boolean call(
            MethodHandle sgemm,
            INDArray a,
            boolean transA,
            INDArray b,
            boolean transB,
            INDArray c,
            int m,
            int n,
            int k,
            long ldc) {
        long lda = columnMajorLd(a);
        boolean aFlip = false;
        if (lda < 0) {
            lda = columnMajorLd(a.transpose());
            aFlip = true;
        }
        long ldb = columnMajorLd(b);
        boolean bFlip = false;
        if (ldb < 0) {
            ldb = columnMajorLd(b.transpose());
            bFlip = true;
        }
        if (lda < 0
                || ldb < 0
                || Math.max(lda, Math.max(ldb, ldc)) > Integer.MAX_VALUE
                || a.data().addressPointer() == null
                || b.data().addressPointer() == null
                || c.data().addressPointer() == null) {
            return false;
        }
        try {
            sgemm.invokeExact(
                    COL_MAJOR,
                    transA != aFlip ? TRANS : NO_TRANS,
                    transB != bFlip ? TRANS : NO_TRANS,
                    m,
                    n,
                    k,
                    1f,
                    pointer(a),
                    (int) lda,
                    pointer(b),
                    (int) ldb,
                    0f,
                    pointer(c),
                    (int) ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed: " + t, t);
        }
        return true;
    }

    /**
     * The leading dimension when {@code x} [r, s] is stored column-major (element (i, j) at i + j·ld, ld ≥ r), else
     * −1. Size-1 dimensions may carry any stride, so a single column or row is read by its other stride.
     */
    static long columnMajorLd(INDArray x) {
        long r = x.size(0);
        long s = x.size(1);
        long s0 = x.stride(0);
        long s1 = x.stride(1);
        if (s0 != 1 && r > 1) {
            return -1;
        }
        long ld = s == 1 ? Math.max(1, r) : s1;
        return ld >= Math.max(1, r) ? ld : -1;
    }

    /**
     * The host address of {@code x}'s first element: ND4J's {@code addressPointer()} already points at a view's offset
     * (its buffer is a view of the parent's), so no position is added.
     */
    private static FloatPointer pointer(INDArray x) {
        return new FloatPointer(x.data().addressPointer());
    }

    private static MethodHandle sgemmHandle() throws ReflectiveOperationException {
        Class<?> openblas = Class.forName(OPENBLAS, true, DirectGemm.class.getClassLoader());
        MethodType type = MethodType.methodType(
                void.class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class,
                float.class,
                FloatPointer.class,
                int.class,
                FloatPointer.class,
                int.class,
                float.class,
                FloatPointer.class,
                int.class);
        return MethodHandles.publicLookup().findStatic(openblas, "cblas_sgemm", type);
    }

    /** A 2×2 product through {@code sgemm} against its known result; why it failed, or empty. */
    private static Optional<String> check(MethodHandle sgemm) {
        INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}); // c-order
        INDArray b = Nd4j.createFromArray(new float[][] {{5, 6}, {7, 8}}).dup('f');
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {2, 2}, 'f');
        if (!sgemm(sgemm, a, b, c, false, false)) {
            return Optional.of("the check product's layout was refused");
        }
        float[] got = c.dup('c').data().asFloat();
        float[] want = {19, 22, 43, 50};
        return java.util.Arrays.equals(got, want)
                ? Optional.empty()
                : Optional.of("the check product gave " + java.util.Arrays.toString(got));
    }

    private static String backendName() {
        try {
            return Nd4j.getBackend().getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            return "unavailable (" + e + ")";
        }
    }

    /** The OpenBLAS files mapped into this process (Linux: /proc/self/maps), for the record. */
    public static String loadedOpenBlas() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return "library not identified";
        }
        TreeSet<String> libs = new TreeSet<>();
        try (var lines = Files.lines(maps)) {
            lines.filter(l -> l.contains("libopenblas"))
                    .map(l -> l.substring(l.indexOf('/')))
                    .forEach(libs::add);
        } catch (IOException | RuntimeException e) {
            return "library not identified";
        }
        return libs.isEmpty() ? "no libopenblas mapped" : String.join(", ", libs);
    }
}

package org.sheetlab.core.threads;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
 *
 * <p><b>The oneDNN backend</b> ({@code -Dsheetlab.blas.dnnl=true}, {@value #DNNL_PROPERTY}; off by default): the
 * same products through oneDNN's {@code dnnl_sgemm} (org.bytedeco:dnnl 2.5.2-1.5.7, the JavaCPP preset for the
 * JavaCPP that ND4J M2.1 uses; its JIT AVX-512/AVX2 kernels), which on the 2-vCPU Xeon (AVX-512, busy machine, one
 * thread) ran the Final Q5 products 10–25% faster than OpenBLAS 0.3.19: 512×784×300 (forward) 1.30 against 1.43 ms,
 * the weight gradient 784×512×300 1.27 against 1.48–1.60, 512×300×100 0.155 against 0.21, and the 2048² product
 * 178 against 164 GFLOP/s. Taken when the preset loads and computes the check product right; otherwise the OpenBLAS
 * call above, and {@link #reason()} says why. Each call runs on its caller's thread with one OpenMP thread (the
 * calling thread's OpenMP thread count is set for the call through libnd4j's {@code setOmpNumThreads}; oneDNN and
 * libnd4j share one libgomp), or {@code threads} with {@link #gemm(INDArray, INDArray, INDArray, boolean, boolean,
 * int)}. Its sums are not always in OpenBLAS's order: for some shapes (k = 784) the results differ from OpenBLAS's
 * by float rounding (relative 5·10⁻⁷ of the largest element), for others they are the same bits; either way each
 * call repeats itself bit for bit, whatever the operands' alignment (checked over 16 offsets per shape).
 *
 * <p><b>The system OpenBLAS</b> ({@code -Dsheetlab.blas.system=auto|true|false}, {@value #SYSTEM_PROPERTY}; default
 * {@code auto}): the same {@code cblas_sgemm} calls into the system's OpenBLAS ({@link SystemOpenBlas}: Debian's
 * libopenblas0-pthread 0.3.21 at {@value SystemOpenBlas#DEFAULT_PATH}, or {@code -D}{@value #SYSTEM_PATH_PROPERTY}),
 * opened beside the bundled 0.3.19 without sharing its symbols. On the 2-vCPU Xeon (AVX-512; both libraries pick their
 * SkylakeX kernels) it ran the 2048² product at 171–181 against 162–170 GFLOP/s on one thread, the Final Q5 weight
 * gradient 784×512×300 in 1.34–1.41 against 1.53–1.55 ms and 512×300×100 in 0.187 against 0.219 ms (busy machine,
 * back to back), with the same bits for every product measured, at one and two threads. {@code auto} takes it when it
 * loads, computes the check products right and gives the bundled library's bits for the probe products of
 * {@link #sameBits} (so the fast paths keep fit's bits); {@code true} takes it when it loads and computes right, even
 * where its bits differ; otherwise, or with {@code false}, the bundled OpenBLAS, and {@link #reason()} says why.
 */
public final class DirectGemm {
    private DirectGemm() {}

    /** The system property that turns the direct path off ({@code false}) for an A/B comparison. */
    public static final String PROPERTY = "sheetlab.blas.direct";

    /**
     * The system property that picks oneDNN's {@code dnnl_sgemm} for the direct products ({@code true}) or OpenBLAS's
     * {@code cblas_sgemm} ({@code false}, the default: DL4J's fit multiplies through OpenBLAS, and the fast paths' tests
     * against fit hold to 1e-5 with OpenBLAS's bits; with oneDNN's rounding the 1024-wide softmax network of
     * DensePathTest.largeProductsSplitOverTheHostThreadsTrainLikeFit drifts from fit by 2.7e-4 after eight Adam steps
     * at lr 1e-2, its forward products being as accurate as OpenBLAS's against a double reference: 5.1e-7 and 5.0e-7).
     */
    public static final String DNNL_PROPERTY = "sheetlab.blas.dnnl";

    /** Whether the oneDNN backend is taken when {@value #DNNL_PROPERTY} is unset (not yet: see there). */
    public static final boolean DNNL_BY_DEFAULT = false;

    /**
     * The system property that picks the system's OpenBLAS ({@link SystemOpenBlas}) over the bundled one: {@code auto}
     * (the default: where it loads and gives the bundled library's bits), {@code true} (where it loads) or
     * {@code false}.
     */
    public static final String SYSTEM_PROPERTY = "sheetlab.blas.system";

    /** The system property naming the system OpenBLAS's file (default {@value SystemOpenBlas#DEFAULT_PATH}). */
    public static final String SYSTEM_PATH_PROPERTY = "sheetlab.blas.system.path";

    /** The settings of {@value #SYSTEM_PROPERTY}. */
    public enum SystemSetting {
        /** Where it loads, computes right and gives the bundled library's bits (the default). */
        AUTO,
        /** Where it loads and computes right. */
        TRUE,
        /** Never. */
        FALSE
    }

    /** Which library computes the products. */
    public enum Backend {
        /** {@code Nd4j.gemm} (libnd4j's op, OpenBLAS underneath). */
        ND4J,
        /** {@code cblas_sgemm} of ND4J's OpenBLAS, called directly. */
        OPENBLAS,
        /** oneDNN's {@code dnnl_sgemm}, called directly. */
        DNNL,
        /** {@code cblas_sgemm} of the system's OpenBLAS ({@link SystemOpenBlas}), called directly. */
        SYSTEM
    }

    private static final String OPENBLAS = "org.bytedeco.openblas.global.openblas_nolapack";
    private static final String DNNL = "org.bytedeco.dnnl.global.dnnl";
    private static final String NATIVE_OPS_HOLDER = "org.nd4j.nativeblas.NativeOpsHolder";
    private static final String NATIVE_OPS = "org.nd4j.nativeblas.NativeOps";
    private static final int COL_MAJOR = 102; // CblasColMajor
    private static final int NO_TRANS = 111; // CblasNoTrans
    private static final int TRANS = 112; // CblasTrans
    private static final Logger LOG = LoggerFactory.getLogger(DirectGemm.class);

    /** Which library computes the products, and why (for the log line, run records and tests). */
    public record Selection(Backend backend, String reason) {
        /** Whether the products are direct calls (OpenBLAS's or oneDNN's), not {@code Nd4j.gemm}. */
        public boolean direct() {
            return backend != Backend.ND4J;
        }
    }

    /** The path, chosen once at first use ({@link #select}). */
    private static final class Chosen {
        static final MethodHandle SGEMM;
        static final MethodHandle DNNL_SGEMM;
        static final MethodHandle OMP_THREADS;
        static final Selection SELECTION;

        static {
            MethodHandle[] handle = new MethodHandle[4];
            SELECTION = select(
                    System.getProperty(PROPERTY),
                    System.getProperty(DNNL_PROPERTY),
                    System.getProperty(SYSTEM_PROPERTY),
                    backendName(),
                    () -> {
                        try {
                            handle[0] = sgemmHandle();
                            return check(Backend.OPENBLAS, handle[0], null);
                        } catch (Throwable t) { // a missing class or native library: fall back
                            return Optional.of(t.getClass().getSimpleName() + ": " + t.getMessage());
                        }
                    },
                    () -> {
                        try {
                            handle[1] = dnnlHandle();
                            handle[2] = ompThreadsHandle();
                            return check(Backend.DNNL, handle[1], handle[2]);
                        } catch (Throwable t) { // a missing class or native library: fall back
                            return Optional.of(t.getClass().getSimpleName() + ": " + t.getMessage());
                        }
                    },
                    sameBitsRequired -> {
                        try {
                            handle[3] = systemHandle();
                            Optional<String> wrong = check(Backend.SYSTEM, handle[3], null);
                            if (wrong.isPresent() || !sameBitsRequired) {
                                return wrong;
                            }
                            return sameBits(handle[0], handle[3]);
                        } catch (Throwable t) { // a missing file or native library: fall back
                            return Optional.of(t.getClass().getSimpleName() + ": " + t.getMessage());
                        }
                    });
            SGEMM = switch (SELECTION.backend()) {
                case OPENBLAS -> handle[0];
                case SYSTEM -> handle[3];
                default -> null;
            };
            DNNL_SGEMM = SELECTION.backend() == Backend.DNNL ? handle[1] : null;
            OMP_THREADS = SELECTION.backend() == Backend.DNNL ? handle[2] : null;
            if (SELECTION.direct()) {
                LOG.debug("sheetlab GEMM: {}", SELECTION.reason());
            } else {
                LOG.info("sheetlab GEMM: Nd4j.gemm, {}", SELECTION.reason());
            }
        }
    }

    /**
     * The selection rule without oneDNN ({@link #select(String, String, String, Supplier, Supplier)} with
     * {@value #DNNL_PROPERTY}{@code =false}).
     */
    public static Selection select(String setting, String backend, Supplier<Optional<String>> probe) {
        return select(setting, "false", backend, probe, () -> Optional.of("not asked"));
    }

    /**
     * The selection rule without the system OpenBLAS ({@link #select(String, String, String, String, Supplier,
     * Supplier, Function)} with {@value #SYSTEM_PROPERTY}{@code =false}).
     */
    public static Selection select(
            String setting,
            String dnnlSetting,
            String backend,
            Supplier<Optional<String>> probe,
            Supplier<Optional<String>> dnnlProbe) {
        return select(setting, dnnlSetting, "false", backend, probe, dnnlProbe, same -> Optional.of("not asked"));
    }

    /**
     * The selection rule: {@code setting} (the value of {@value #PROPERTY}, null when unset) {@code false} turns the
     * direct path off; a backend other than ND4J's CPU one ({@code CpuBackend}) keeps {@code Nd4j.gemm}; else
     * {@code dnnlSetting} (the value of {@value #DNNL_PROPERTY}; unset = {@link #DNNL_BY_DEFAULT}) {@code true} tries
     * {@code dnnlProbe} (load the oneDNN preset and check a small product; it returns why it failed, or empty) and
     * takes oneDNN when it succeeds; otherwise {@code probe} (the same for OpenBLAS) decides. A probe is only called
     * when its library is asked for. Then, when the bundled OpenBLAS works, {@code systemSetting} (the value of
     * {@value #SYSTEM_PROPERTY}: auto, true or false, unset = auto) other than false tries {@code systemProbe} (load
     * the system OpenBLAS, check it, and with argument true also compare its bits with the bundled library's; it
     * returns why it failed, or empty) and takes the system library when it succeeds. Any other setting than
     * true/false (auto/true/false for the system library) is an IllegalArgumentException naming it.
     */
    public static Selection select(
            String setting,
            String dnnlSetting,
            String systemSetting,
            String backend,
            Supplier<Optional<String>> probe,
            Supplier<Optional<String>> dnnlProbe,
            Function<Boolean, Optional<String>> systemProbe) {
        boolean direct = flag(PROPERTY, setting, true);
        boolean dnnl = flag(DNNL_PROPERTY, dnnlSetting, DNNL_BY_DEFAULT);
        SystemSetting system = systemSetting(systemSetting);
        if (!direct) {
            return new Selection(Backend.ND4J, "-D" + PROPERTY + "=false");
        }
        if (!"CpuBackend".equals(backend)) {
            return new Selection(
                    Backend.ND4J, "ND4J backend " + backend + " (direct cblas_sgemm only on the CPU backend)");
        }
        String notDnnl = "";
        if (dnnl) {
            Optional<String> failure = dnnlProbe.get();
            if (failure.isEmpty()) {
                return new Selection(Backend.DNNL, "dnnl_sgemm called directly (" + loadedDnnl() + ")");
            }
            notDnnl = "; oneDNN unusable: " + failure.get();
        } else if (dnnlSetting != null && !dnnlSetting.isBlank()) {
            notDnnl = "; -D" + DNNL_PROPERTY + "=false";
        }
        Optional<String> failure = probe.get();
        if (failure.isPresent()) {
            return new Selection(
                    Backend.ND4J, "the bundled OpenBLAS binding is unusable (" + failure.get() + ")" + notDnnl);
        }
        String notSystem;
        if (system == SystemSetting.FALSE) {
            notSystem = "; -D" + SYSTEM_PROPERTY + "=false";
        } else {
            Optional<String> systemFailure = systemProbe.apply(system == SystemSetting.AUTO);
            if (systemFailure.isEmpty()) {
                return new Selection(
                        Backend.SYSTEM,
                        "cblas_sgemm of the system OpenBLAS called directly (" + loadedSystemOpenBlas() + ")"
                                + notDnnl);
            }
            notSystem = "; system OpenBLAS not taken: " + systemFailure.get();
        }
        return new Selection(
                Backend.OPENBLAS, "cblas_sgemm called directly (" + loadedOpenBlas() + ")" + notDnnl + notSystem);
    }

    /** {@value #SYSTEM_PROPERTY}'s value: null or blank gives AUTO; auto/true/false in any case; else an error. */
    static SystemSetting systemSetting(String value) {
        if (value == null || value.isBlank()) {
            return SystemSetting.AUTO;
        }
        for (SystemSetting s : SystemSetting.values()) {
            if (s.name().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException(SYSTEM_PROPERTY + " must be auto, true or false, got '" + value + "'");
    }

    /** A true/false property value; null or blank gives {@code unset}; anything else an IllegalArgumentException. */
    private static boolean flag(String property, String value, boolean unset) {
        if (value == null || value.isBlank()) {
            return unset;
        }
        String s = value.trim();
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(property + " must be true or false, got '" + value + "'");
    }

    /**
     * Both libraries' handles, loaded on first use whatever the selection (tests compare the backends, the sgemm bench
     * times both); a library that does not load leaves its handle null.
     */
    static final class Both {
        /** ND4J first (its backend loads libnd4j and the bundled OpenBLAS in its own order), then the bindings. */
        static final String ND4J = backendName();

        static final MethodHandle OPENBLAS_SGEMM = orNull(DirectGemm::sgemmHandle);
        static final MethodHandle DNNL_SGEMM = orNull(DirectGemm::dnnlHandle);
        static final MethodHandle OMP_THREADS = orNull(DirectGemm::ompThreadsHandle);
        static final MethodHandle SYSTEM_SGEMM = orNull(DirectGemm::systemHandle);

        private interface Load {
            MethodHandle load() throws ReflectiveOperationException;
        }

        private static MethodHandle orNull(Load load) {
            try {
                return load.load();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    }

    /**
     * C = op(A)·op(B) through the named backend whatever this JVM selected (OpenBLAS at its process-wide thread count,
     * oneDNN on {@code threads} OpenMP threads of the caller); false where that library did not load or the layouts
     * do not allow a direct call. For the sgemm bench and the tests that compare the backends.
     */
    public static boolean gemmWith(
            Backend backend, INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, int threads) {
        return switch (backend) {
            case DNNL ->
                Both.DNNL_SGEMM != null
                        && Both.OMP_THREADS != null
                        && dnnl(Both.DNNL_SGEMM, Both.OMP_THREADS, Math.max(1, threads), a, b, c, transA, transB);
            case OPENBLAS -> Both.OPENBLAS_SGEMM != null && sgemm(Both.OPENBLAS_SGEMM, a, b, c, transA, transB);
            case SYSTEM -> Both.SYSTEM_SGEMM != null && sgemm(Both.SYSTEM_SGEMM, a, b, c, transA, transB);
            case ND4J -> {
                Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
                yield true;
            }
        };
    }

    /** The path the products take in this JVM (decided at first use). */
    public static Selection selection() {
        return Chosen.SELECTION;
    }

    /** Whether the products go straight to a BLAS routine (OpenBLAS's or oneDNN's) in this JVM. */
    public static boolean direct() {
        return Chosen.SELECTION.direct();
    }

    /** The library that computes the products in this JVM. */
    public static Backend backend() {
        return Chosen.SELECTION.backend();
    }

    /**
     * Whether a call's thread count is its own ({@link #gemm(INDArray, INDArray, INDArray, boolean, boolean, int)}:
     * oneDNN's OpenMP threads on the calling thread) rather than the process-wide OpenBLAS setting.
     */
    public static boolean threadsPerCall() {
        return backend() == Backend.DNNL;
    }

    /**
     * "dnnl_sgemm", "cblas_sgemm", "cblas_sgemm (system OpenBLAS)" or "Nd4j.gemm": the routine the products go to, for
     * descriptions.
     */
    public static String routine() {
        return switch (backend()) {
            case DNNL -> "dnnl_sgemm";
            case OPENBLAS -> "cblas_sgemm";
            case SYSTEM -> "cblas_sgemm (system OpenBLAS)";
            case ND4J -> "Nd4j.gemm";
        };
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
        gemm(a, b, c, transA, transB, 1);
    }

    /**
     * {@link #gemm(INDArray, INDArray, INDArray, boolean, boolean)} on {@code threads} threads where the backend takes
     * a thread count per call ({@link #threadsPerCall()}: oneDNN's OpenMP threads, the caller's included); with
     * OpenBLAS or {@code Nd4j.gemm} the count is the process-wide BLAS setting and {@code threads} is ignored.
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, int threads) {
        boolean done = switch (backend()) {
            case DNNL -> dnnl(Chosen.DNNL_SGEMM, Chosen.OMP_THREADS, Math.max(1, threads), a, b, c, transA, transB);
            case OPENBLAS, SYSTEM -> sgemm(Chosen.SGEMM, a, b, c, transA, transB);
            case ND4J -> false;
        };
        if (!done) {
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
        return product(sgemm, null, 0, a, b, c, transA, transB);
    }

    /**
     * The same product through oneDNN's row-major {@code dnnl_sgemm} on {@code threads} OpenMP threads of the calling
     * thread (set through {@code ompThreads} before the call); false where the layouts do not allow it.
     */
    static boolean dnnl(
            MethodHandle sgemm,
            MethodHandle ompThreads,
            int threads,
            INDArray a,
            INDArray b,
            INDArray c,
            boolean transA,
            boolean transB) {
        return product(sgemm, ompThreads, threads, a, b, c, transA, transB);
    }

    /** {@link #sgemm} for OpenBLAS ({@code ompThreads} null) or oneDNN. */
    private static boolean product(
            MethodHandle sgemm,
            MethodHandle ompThreads,
            int threads,
            INDArray a,
            INDArray b,
            INDArray c,
            boolean transA,
            boolean transB) {
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
            return call(sgemm, ompThreads, threads, b, !transB, a, !transA, c, (int) n, (int) m, (int) k, ldcT);
        }
        return call(sgemm, ompThreads, threads, a, transA, b, transB, c, (int) m, (int) n, (int) k, ldc);
    }

    /**
     * cblas_sgemm(ColMajor, …) for C[m, n] (column-major, leading dimension ldc) = op(A)[m, k]·op(B)[k, n]; with
     * {@code ompThreads} (oneDNN) the row-major {@code dnnl_sgemm} of the same memory: Cᵀ[n, m] = op(B)ᵀ·op(A)ᵀ.
     */
    private static boolean call(
            MethodHandle sgemm,
            MethodHandle ompThreads,
            int threads,
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
        if (ompThreads != null) {
            int status;
            try {
                // the caller's OpenMP thread count for this call only: libnd4j's own OpenMP regions on this thread
                // keep theirs
                int before = (int) Omp.MAX_THREADS.invokeExact();
                if (before != threads) {
                    ompThreads.invokeExact(threads);
                }
                try {
                    status = (int) sgemm.invokeExact(
                            (byte) (transB != bFlip ? 'T' : 'N'),
                            (byte) (transA != aFlip ? 'T' : 'N'),
                            (long) n,
                            (long) m,
                            (long) k,
                            1f,
                            pointer(b),
                            ldb,
                            pointer(a),
                            lda,
                            0f,
                            pointer(c),
                            ldc);
                } finally {
                    if (before != threads) {
                        ompThreads.invokeExact(before);
                    }
                }
            } catch (Throwable t) {
                throw new IllegalStateException("dnnl_sgemm failed: " + t, t);
            }
            if (status != 0) {
                throw new IllegalStateException("dnnl_sgemm returned status " + status + " for m=" + m + " n=" + n
                        + " k=" + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc);
            }
            return true;
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

    /** {@code cblas_sgemm}'s type with JavaCPP pointers, as the bundled binding and {@link SystemOpenBlas} take it. */
    static final MethodType SGEMM_TYPE = MethodType.methodType(
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

    private static MethodHandle sgemmHandle() throws ReflectiveOperationException {
        Class<?> openblas = Class.forName(OPENBLAS, true, DirectGemm.class.getClassLoader());
        return MethodHandles.publicLookup().findStatic(openblas, "cblas_sgemm", SGEMM_TYPE);
    }

    /**
     * {@code int dnnl_sgemm(char, char, dim_t M, N, K, float alpha, const float *A, dim_t lda, const float *B, dim_t
     * ldb, float beta, float *C, dim_t ldc)} of the oneDNN preset (loading it loads libdnnl.so.2).
     */
    private static MethodHandle dnnlHandle() throws ReflectiveOperationException {
        Class<?> dnnl = Class.forName(DNNL, true, DirectGemm.class.getClassLoader());
        MethodType type = MethodType.methodType(
                int.class,
                byte.class,
                byte.class,
                long.class,
                long.class,
                long.class,
                float.class,
                FloatPointer.class,
                long.class,
                FloatPointer.class,
                long.class,
                float.class,
                FloatPointer.class,
                long.class);
        return MethodHandles.publicLookup().findStatic(dnnl, "dnnl_sgemm", type);
    }

    /**
     * The system OpenBLAS's {@code cblas_sgemm} ({@link SystemOpenBlas#sgemm}, the bundled binding's handle type),
     * loaded from {@value #SYSTEM_PATH_PROPERTY} or {@value SystemOpenBlas#DEFAULT_PATH}.
     */
    private static MethodHandle systemHandle() throws ReflectiveOperationException {
        SystemOpenBlas.load(systemPath());
        return SystemOpenBlas.sgemmHandle();
    }

    /** The system OpenBLAS's file: {@value #SYSTEM_PATH_PROPERTY}, else {@value SystemOpenBlas#DEFAULT_PATH}. */
    public static String systemPath() {
        String path = System.getProperty(SYSTEM_PATH_PROPERTY);
        return path == null || path.isBlank() ? SystemOpenBlas.DEFAULT_PATH : path.trim();
    }

    /**
     * Whether two cblas_sgemm handles give the same bits for products shaped as the dense steps' (a c-order batch times
     * f-order weights, k = 784; a weight gradient, k = the batch; an input gradient through Wᵀ) on random operands,
     * at the bundled library's thread count; why not, or empty.
     */
    static Optional<String> sameBits(MethodHandle bundled, MethodHandle other) {
        if (bundled == null || other == null) {
            return Optional.of("no bundled OpenBLAS to compare its bits with");
        }
        java.util.Random rng = new java.util.Random(20261206L); // not ND4J's generator: training draws stay as they are
        int rows = 96;
        INDArray x = random(rng, rows, 784, 'c'); // c-order, as a gathered batch
        INDArray w = random(rng, 784, 300, 'f');
        INDArray d = random(rng, rows, 300, 'f');
        INDArray[][] products = {{x, w}, {x, d}, {d, w}};
        boolean[][] trans = {{false, false}, {true, false}, {false, true}};
        long[][] shapes = {{rows, 300}, {784, 300}, {rows, 784}};
        for (int p = 0; p < products.length; p++) {
            INDArray want = Nd4j.create(DataType.FLOAT, shapes[p], 'f');
            INDArray got = Nd4j.create(DataType.FLOAT, shapes[p], 'f');
            if (!sgemm(bundled, products[p][0], products[p][1], want, trans[p][0], trans[p][1])
                    || !sgemm(other, products[p][0], products[p][1], got, trans[p][0], trans[p][1])) {
                return Optional.of("a probe product's layout was refused");
            }
            if (!java.util.Arrays.equals(want.data().asInt(), got.data().asInt())) {
                float diff = Transforms.abs(want.sub(got)).maxNumber().floatValue();
                return Optional.of(
                        "its bits differ from the bundled OpenBLAS's (product " + java.util.Arrays.toString(shapes[p])
                                + ": largest difference " + diff + "; -D" + SYSTEM_PROPERTY + "=true takes it)");
            }
        }
        return Optional.empty();
    }

    /** A [rows, cols] FLOAT matrix of uniform draws in [−1, 1) from {@code rng}, in order {@code order}. */
    private static INDArray random(java.util.Random rng, int rows, int cols, char order) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * rng.nextFloat() - 1;
        }
        INDArray c = Nd4j.createFromArray(v).reshape('c', rows, cols);
        return order == 'c' ? c : c.dup(order);
    }

    /** The library behind {@code backend} (build and file), for the record; "not loaded" where it did not load. */
    public static String describe(Backend backend) {
        return switch (backend) {
            case SYSTEM -> Both.SYSTEM_SGEMM == null ? "not loaded" : loadedSystemOpenBlas();
            case OPENBLAS -> Both.OPENBLAS_SGEMM == null ? "not loaded" : loadedOpenBlas();
            case DNNL -> Both.DNNL_SGEMM == null ? "not loaded" : loadedDnnl();
            case ND4J -> "Nd4j.gemm";
        };
    }

    /** The system OpenBLAS's build, kernel and file, for the record. */
    static String loadedSystemOpenBlas() {
        try {
            return SystemOpenBlas.describe();
        } catch (RuntimeException | LinkageError e) {
            return "library not identified";
        }
    }

    /** libnd4j's {@code ompGetMaxThreads()} (omp_get_max_threads of the calling thread), a {@code ()int} handle. */
    private static final class Omp {
        static final MethodHandle MAX_THREADS = ompMaxThreadsHandleOrNull();
    }

    private static MethodHandle ompMaxThreadsHandleOrNull() {
        try {
            return nativeOp("ompGetMaxThreads", MethodType.methodType(int.class), false);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The method {@code name} of ND4J's native ops ({@code NativeOpsHolder.getInstance().getDeviceNativeOps()}), bound. */
    private static MethodHandle nativeOp(String name, MethodType type, boolean initialize)
            throws ReflectiveOperationException {
        ClassLoader loader = DirectGemm.class.getClassLoader();
        Class<?> holder = Class.forName(NATIVE_OPS_HOLDER, initialize, loader);
        Class<?> nativeOps = Class.forName(NATIVE_OPS, initialize, loader);
        Object instance = holder.getMethod("getInstance").invoke(null);
        Object ops = holder.getMethod("getDeviceNativeOps").invoke(instance);
        return MethodHandles.publicLookup().findVirtual(nativeOps, name, type).bindTo(ops);
    }

    /**
     * libnd4j's {@code setOmpNumThreads(int)} (omp_set_num_threads: the calling thread's OpenMP thread count), bound to
     * ND4J's native ops, as a {@code (int)void} handle. oneDNN's OpenMP build sizes its parallel regions by it.
     */
    private static MethodHandle ompThreadsHandle() throws ReflectiveOperationException {
        if (Omp.MAX_THREADS == null) {
            throw new ClassNotFoundException("libnd4j's ompGetMaxThreads (" + NATIVE_OPS + ") is not available");
        }
        return nativeOp("setOmpNumThreads", MethodType.methodType(void.class, int.class), true);
    }

    /**
     * A 2×2 and a 7×5×3 product (transposed A, c-order C) through {@code sgemm} against their known results; why
     * they failed, or empty.
     */
    private static Optional<String> check(Backend backend, MethodHandle sgemm, MethodHandle ompThreads) {
        INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}); // c-order
        INDArray b = Nd4j.createFromArray(new float[][] {{5, 6}, {7, 8}}).dup('f');
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {2, 2}, 'f');
        if (!product(sgemm, backend == Backend.DNNL ? ompThreads : null, 1, a, b, c, false, false)) {
            return Optional.of("the check product's layout was refused");
        }
        float[] got = c.dup('c').data().asFloat();
        float[] want = {19, 22, 43, 50};
        if (!java.util.Arrays.equals(got, want)) {
            return Optional.of("the check product gave " + java.util.Arrays.toString(got));
        }
        // small integers: every order of summation gives the same exact result
        INDArray at = Nd4j.create(DataType.FLOAT, new long[] {3, 7}, 'f');
        INDArray bb = Nd4j.create(DataType.FLOAT, new long[] {3, 5}, 'c');
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < 7; i++) {
                at.putScalar(p, i, (i * 3 + p) % 5 - 2);
            }
            for (int j = 0; j < 5; j++) {
                bb.putScalar(p, j, (j * 2 + p) % 7 - 3);
            }
        }
        INDArray cc = Nd4j.create(DataType.FLOAT, new long[] {7, 5}, 'c');
        if (!product(sgemm, backend == Backend.DNNL ? ompThreads : null, 1, at, bb, cc, true, false)) {
            return Optional.of("the second check product's layout was refused");
        }
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 5; j++) {
                float e = 0;
                for (int p = 0; p < 3; p++) {
                    e += at.getFloat(p, i) * bb.getFloat(p, j);
                }
                if (cc.getFloat(i, j) != e) {
                    return Optional.of("the second check product gave " + cc.getFloat(i, j) + " at (" + i + ", " + j
                            + "), not " + e);
                }
            }
        }
        return Optional.empty();
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
        return mapped("libopenblas", "no libopenblas mapped");
    }

    /** oneDNN's version and the libdnnl file mapped into this process, for the record. */
    static String loadedDnnl() {
        String version = "oneDNN";
        try {
            Class<?> dnnl = Class.forName(DNNL, true, DirectGemm.class.getClassLoader());
            Object v = dnnl.getMethod("dnnl_version").invoke(null);
            version = "oneDNN " + v.getClass().getMethod("major").invoke(v) + "."
                    + v.getClass().getMethod("minor").invoke(v) + "."
                    + v.getClass().getMethod("patch").invoke(v);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // the version is for the record only
        }
        return version + ", " + mapped("libdnnl", "no libdnnl mapped");
    }

    /** The files mapped into this process (Linux: /proc/self/maps) whose path contains {@code name}. */
    private static String mapped(String name, String none) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return "library not identified";
        }
        TreeSet<String> libs = new TreeSet<>();
        try (var lines = Files.lines(maps)) {
            lines.filter(l -> l.contains(name) && l.indexOf('/') >= 0)
                    .map(l -> l.substring(l.indexOf('/')))
                    .forEach(libs::add);
        } catch (IOException | RuntimeException e) {
            return "library not identified";
        }
        return libs.isEmpty() ? none : String.join(", ", libs);
    }
}

package org.sheetlab.core.threads;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The system's OpenBLAS (Debian's {@code libopenblas0-pthread}, 0.3.21 on Debian 12, the library PyTorch's Debian
 * build multiplies with) beside the OpenBLAS 0.3.19 that JavaCPP bundles for ND4J, for {@link DirectGemm}'s
 * {@code SYSTEM} backend. Both libraries have the soname {@code libopenblas.so.0} and export the same symbols, so this
 * one is opened by its path with {@code RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND} through JNA (4.3.0, which nd4j-api
 * already brings): its symbols stay out of the process's global scope (nothing loaded later binds to them) and its own
 * calls bind to itself first, whatever the bundled library exports. Its functions are JNA direct-mapped natives of
 * {@link Lib} (one JNI call each, no boxing).
 *
 * <p>Threads: like the bundled library, it keeps one process-wide thread count. ND4J sets the bundled one
 * ({@code Nd4j.factory().blas().setMaxThreads}, which the fast steps and the sgemm bench use); each call here first
 * gives this library the same count where it differs ({@link #sgemm}), so both run the same number of threads.
 */
final class SystemOpenBlas {
    private SystemOpenBlas() {}

    /** Where Debian's pthread OpenBLAS lies (package libopenblas0-pthread). */
    static final String DEFAULT_PATH = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";

    private static final int RTLD_NOW = 2;
    private static final int RTLD_DEEPBIND = 8; // glibc; RTLD_LOCAL is 0

    /** The direct-mapped functions of the loaded library ({@link #load}). */
    static final class Lib {
        private Lib() {}

        static native void cblas_sgemm(
                int order,
                int transA,
                int transB,
                int m,
                int n,
                int k,
                float alpha,
                Pointer a,
                int lda,
                Pointer b,
                int ldb,
                float beta,
                Pointer c,
                int ldc);

        static native void openblas_set_num_threads(int threads);

        static native int openblas_get_num_threads();

        static native String openblas_get_config();

        static native String openblas_get_corename();
    }

    private static volatile String loadedFrom;
    private static volatile int threads = -1; // this library's thread count as last set or read
    private static MethodHandle bundledThreads; // ()int: the bundled OpenBLAS's count as ND4J set it, or null

    /**
     * Opens the library at {@code path} (once per JVM; a second path is refused) and binds {@link Lib} to it; throws
     * when the file is missing or does not load.
     */
    static synchronized void load(String path) {
        if (!Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException(path + " not found (Debian: apt-get install libopenblas0-pthread)");
        }
        if (loadedFrom != null) {
            if (!loadedFrom.equals(path)) {
                throw new IllegalStateException("the system OpenBLAS is already loaded from " + loadedFrom);
            }
            return;
        }
        NativeLibrary lib = NativeLibrary.getInstance(
                path, Map.of(com.sun.jna.Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_DEEPBIND));
        Native.register(Lib.class, lib);
        bundledThreads = bundledThreadsHandle();
        threads = Lib.openblas_get_num_threads();
        loadedFrom = path;
    }

    /** The bundled OpenBLAS's thread count as ND4J set it (JavaCPP's {@code blas_get_num_threads}), or null. */
    private static MethodHandle bundledThreadsHandle() {
        try {
            Class<?> openblas = Class.forName(
                    "org.bytedeco.openblas.global.openblas_nolapack", true, SystemOpenBlas.class.getClassLoader());
            return MethodHandles.publicLookup()
                    .findStatic(openblas, "blas_get_num_threads", MethodType.methodType(int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The loaded file, its build ({@code openblas_get_config}) and the kernel it chose for this CPU, for the record. */
    static String describe() {
        return Lib.openblas_get_config().trim() + ", kernel " + Lib.openblas_get_corename() + ", " + loadedFrom;
    }

    /** This library's thread count now. */
    static int threads() {
        return Lib.openblas_get_num_threads();
    }

    /**
     * This library's thread count, as the bundled library's is set (a count below 1 leaves it as it is): for the
     * callers that change ND4J's count around a call and for tests.
     */
    static void followBundledThreads() {
        int want = bundledThreads();
        if (want >= 1 && want != threads) {
            synchronized (SystemOpenBlas.class) {
                if (want != threads) {
                    Lib.openblas_set_num_threads(want);
                    threads = want;
                }
            }
        }
    }

    private static int bundledThreads() {
        if (bundledThreads == null) {
            return -1;
        }
        try {
            return (int) bundledThreads.invokeExact();
        } catch (Throwable t) {
            return -1;
        }
    }

    /**
     * {@code cblas_sgemm} with JavaCPP pointers, the signature of the bundled binding's (so {@link DirectGemm} calls
     * both through one method handle type), after {@link #followBundledThreads()}.
     */
    static void sgemm(
            int order,
            int transA,
            int transB,
            int m,
            int n,
            int k,
            float alpha,
            FloatPointer a,
            int lda,
            FloatPointer b,
            int ldb,
            float beta,
            FloatPointer c,
            int ldc) {
        followBundledThreads();
        Lib.cblas_sgemm(
                order,
                transA,
                transB,
                m,
                n,
                k,
                alpha,
                new Pointer(a.address() + a.position() * 4L),
                lda,
                new Pointer(b.address() + b.position() * 4L),
                ldb,
                beta,
                new Pointer(c.address() + c.position() * 4L),
                ldc);
    }

    /** {@link #sgemm} as a method handle of the bundled binding's type. */
    static MethodHandle sgemmHandle() throws ReflectiveOperationException {
        return MethodHandles.lookup().findStatic(SystemOpenBlas.class, "sgemm", DirectGemm.SGEMM_TYPE);
    }
}

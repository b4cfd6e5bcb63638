package org.sheetlab.core.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sheetlab.core.gpu.CudaCompatibility.Gpu;

/** The start-up check's decision, fed reported capabilities: no GPU needed. */
class CudaCompatibilityTest {
    @Test
    void hopperIsRefusedWithTheOneLine() {
        assertThat(CudaCompatibility.unsupportedMessage(new Gpu("NVIDIA H200", 9, 0)))
                .contains("ND4J 1.0.0-M2.1 has CUDA kernels for compute capability 3.7–8.9; this GPU, NVIDIA H200, "
                        + "is 9.0: use the cpu profile, or see README 'CUDA'");
    }

    @Test
    void theCubinRangeDecidesEachCase() {
        // 3.5: Kepler older than the oldest cubin (sm_37); 3.7: sm_37 itself; 8.6: sm_86; 8.9 (Ada): runs sm_86's
        // cubin (same major, higher minor); 9.0 (Hopper) and 10.0 (Blackwell): no cubin of that major and no PTX
        assertThat(CudaCompatibility.unsupportedMessage(new Gpu("Tesla K20", 3, 5)))
                .contains("ND4J 1.0.0-M2.1 has CUDA kernels for compute capability 3.7–8.9; this GPU, Tesla K20, "
                        + "is 3.5: use the cpu profile, or see README 'CUDA'");
        assertThat(CudaCompatibility.unsupportedMessage(new Gpu("Tesla K80", 3, 7)))
                .isEmpty();
        assertThat(CudaCompatibility.unsupportedMessage(new Gpu("NVIDIA A10", 8, 6)))
                .isEmpty();
        assertThat(CudaCompatibility.unsupportedMessage(new Gpu("NVIDIA L4", 8, 9)))
                .isEmpty();
        assertThat(CudaCompatibility.unsupportedMessage(new Gpu("NVIDIA B200", 10, 0)))
                .contains("ND4J 1.0.0-M2.1 has CUDA kernels for compute capability 3.7–8.9; this GPU, NVIDIA B200, "
                        + "is 10.0: use the cpu profile, or see README 'CUDA'");
    }

    @Test
    void minorVersionsBetweenCubinsFollowTheSameMajorRule() {
        assertThat(CudaCompatibility.supported(5, 3)).isTrue(); // Jetson TX1: sm_52 cubin
        assertThat(CudaCompatibility.supported(7, 2)).isTrue(); // Xavier: sm_70 cubin
        assertThat(CudaCompatibility.supported(8, 7)).isTrue(); // Orin: sm_86 cubin
        assertThat(CudaCompatibility.supported(3, 0)).isFalse();
        assertThat(CudaCompatibility.supported(12, 0)).isFalse();
    }

    @Test
    void nvidiaSmiLinesAreParsedAndNoiseSkipped() {
        List<Gpu> gpus = CudaCompatibility.parseNvidiaSmi(List.of(
                "NVIDIA H200, 9.0",
                "NVIDIA GeForce RTX 4090, 8.9",
                "Field \"compute_cap\" is not a valid field to query.",
                "Tesla K80, [N/A]"));
        assertThat(gpus).containsExactly(new Gpu("NVIDIA H200", 9, 0), new Gpu("NVIDIA GeForce RTX 4090", 8, 9));
    }

    @Test
    void nd4jEnvironmentInformationIsParsed() {
        Map<String, Object> env = Map.of(
                "cuda.devicesInformation",
                List.of(Map.of("cuda.deviceName", "NVIDIA H100", "cuda.deviceMajor", 9, "cuda.deviceMinor", 0)));
        assertThat(CudaCompatibility.parseNd4j(env)).containsExactly(new Gpu("NVIDIA H100", 9, 0));
        assertThat(CudaCompatibility.parseNd4j(Map.of("backend", "CPU"))).isEmpty();
    }

    @Test
    void theCpuBackendIsNeverChecked() {
        // this module's tests run on nd4j-native: the check does nothing, whatever GPU the machine has
        assertThat(CudaCompatibility.cudaBackendPresent()).isFalse();
        assertThat(CudaCompatibility.check()).isEmpty();
    }

    @Test
    void aBackendThatCannotStartGetsOneLineWithNd4jsOwnReason() {
        // ND4J's standard error on a machine with Debian's libcuda1 and no GPU (the CUDA jar, 2026-12-05), held back
        // by fromNd4jQuietly: its stack trace and warning come before the wrapping ExceptionInInitializerError
        String held = String.join(
                "\n",
                "java.lang.RuntimeException: No CUDA devices were found in system",
                "\tat org.nd4j.linalg.jcublas.JCublasBackend.canRun(JCublasBackend.java:68)",
                "\tat org.nd4j.linalg.factory.Nd4jBackend.load(Nd4jBackend.java:175)",
                "06:50:48 WARN  Nd4jBackend - Skipped [JCublasBackend] backend (unavailable): "
                        + "java.lang.RuntimeException: No CUDA devices were found in system");
        String reason = CudaCompatibility.failureReason(held, new ExceptionInInitializerError("wrapped"));
        assertThat(reason).isEqualTo("No CUDA devices were found in system");
        assertThat(CudaCompatibility.backendFailureMessage(reason))
                .isEqualTo("ND4J's CUDA backend (nd4j-cuda-11.6 1.0.0-M2.1) cannot start: No CUDA devices were found"
                        + " in system. Check the GPU and its driver with nvidia-smi (and CUDA_VISIBLE_DEVICES), or use"
                        + " the cpu profile; see README 'CUDA'")
                .doesNotContain("\n");
    }

    @Test
    void withoutNd4jOutputTheInnermostCauseIsTheReason() {
        Throwable e = new RuntimeException(
                "outer", new UnsatisfiedLinkError("no jnind4jcuda in java.library.path: /opt/lib"));
        assertThat(CudaCompatibility.failureReason("", e)).isEqualTo("no jnind4jcuda in java.library.path: /opt/lib");
        assertThat(CudaCompatibility.failureReason("12:00:00 WARN  x - no exception here", new IllegalStateException()))
                .isEqualTo("java.lang.IllegalStateException");
        assertThat(CudaCompatibility.backendFailureMessage("line one\n  line two."))
                .startsWith("ND4J's CUDA backend (nd4j-cuda-11.6 1.0.0-M2.1) cannot start: line one line two. Check");
    }
}

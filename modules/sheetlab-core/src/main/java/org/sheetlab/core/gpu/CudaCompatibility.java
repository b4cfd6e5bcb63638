package org.sheetlab.core.gpu;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CUDA start-up check. ND4J 1.0.0-M2.1's {@code libnd4jcuda.so} (nd4j-cuda-11.6, both classifiers) holds its
 * kernels only as cubins for compute capability 3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0 and 8.6, and no PTX (measured
 * with cuobjdump; GPU.md). A cubin runs only on a GPU of the same major version and an equal or higher minor one, and
 * without PTX nothing can be compiled for a newer GPU, so the backend runs on 3.7 and 5.0–8.9 and fails on 3.5 and
 * older and on Hopper (9.0), Blackwell (10.x, 12.x) and later with {@code CUDA_ERROR_NO_BINARY_FOR_GPU} deep inside
 * the first kernel launch. This class says so at start-up in one line instead.
 *
 * <p>The decision is the pure function {@link #unsupportedMessage(Gpu)}; {@link #detect()} reads the GPUs, and
 * {@link #check()} ties both to the backend in use. Reading the capability: first {@code nvidia-smi
 * --query-gpu=name,compute_cap} (ships with every NVIDIA driver, runs before ND4J loads any native code, so it works
 * even where libnd4jcuda's own initialisation would fail on the GPU); where that is missing or too old for the
 * {@code compute_cap} field (drivers before 510), ND4J's {@code getEnvironmentInformation()} ({@code
 * cuda.devicesInformation}: {@code cuda.deviceName}, {@code cuda.deviceMajor}, {@code cuda.deviceMinor}), read through
 * nd4j-api alone, so this module does not compile against nd4j-cuda.
 */
public final class CudaCompatibility {
    /** The compute capabilities (major·10 + minor) that libnd4jcuda 1.0.0-M2.1 holds cubins for. */
    static final int[] CUBINS = {37, 50, 52, 60, 61, 70, 75, 80, 86};

    /** The class the ND4J CUDA backend registers; present on the classpath only in a {@code -Pcuda} build. */
    static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

    private CudaCompatibility() {}

    /** A GPU as the driver reports it: name and compute capability {@code major.minor}. */
    public record Gpu(String name, int major, int minor) {
        /** {@code "9.0"}. */
        public String capability() {
            return major + "." + minor;
        }
    }

    /** Whether ND4J M2.1 has a kernel image the GPU can load: a cubin of the same major and no higher minor. */
    public static boolean supported(int major, int minor) {
        for (int cubin : CUBINS) {
            if (cubin / 10 == major && cubin % 10 <= minor) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one-line refusal for {@code gpu}, or empty when ND4J M2.1 runs on it, e.g. {@code "ND4J 1.0.0-M2.1 has CUDA
     * kernels for compute capability 3.7–8.9; this GPU, NVIDIA H200, is 9.0: use the cpu profile, or see README
     * 'CUDA'"}.
     */
    public static Optional<String> unsupportedMessage(Gpu gpu) {
        if (supported(gpu.major(), gpu.minor())) {
            return Optional.empty();
        }
        return Optional.of("ND4J 1.0.0-M2.1 has CUDA kernels for compute capability 3.7–8.9; this GPU, " + gpu.name()
                + ", is " + gpu.capability() + ": use the cpu profile, or see README 'CUDA'");
    }

    /** Whether the ND4J backend on the classpath is CUDA (without loading ND4J). */
    public static boolean cudaBackendPresent() {
        try {
            Class.forName(CUDA_BACKEND_CLASS, false, CudaCompatibility.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The start-up check: on the CUDA backend, the refusal for the first GPU ND4J M2.1 cannot run on, or, where ND4J's
     * CUDA backend cannot start at all (no GPU, no driver, a missing CUDA library), one line saying why (empty when all
     * GPUs are supported, or on the CPU backend, where it does nothing).
     */
    public static Optional<String> check() {
        if (!cudaBackendPresent()) {
            return Optional.empty();
        }
        List<Gpu> gpus = fromNvidiaSmi();
        if (gpus.isEmpty()) {
            Nd4jAnswer answer = fromNd4jQuietly();
            if (answer.failure() != null) {
                return Optional.of(backendFailureMessage(answer.failure()));
            }
            gpus = answer.gpus();
        }
        for (Gpu gpu : gpus) {
            Optional<String> message = unsupportedMessage(gpu);
            if (message.isPresent()) {
                return message;
            }
        }
        return Optional.empty();
    }

    /**
     * The one line for a CUDA backend that cannot start, e.g. {@code "ND4J's CUDA backend (nd4j-cuda-11.6
     * 1.0.0-M2.1) cannot start: No CUDA devices were found in system. Check the GPU and its driver with nvidia-smi
     * (and CUDA_VISIBLE_DEVICES), or use the cpu profile; see README 'CUDA'"}.
     */
    public static String backendFailureMessage(String cause) {
        String reason = cause.strip().replaceAll("\\s*\\R\\s*", " ");
        if (!reason.endsWith(".")) {
            reason += ".";
        }
        return "ND4J's CUDA backend (nd4j-cuda-11.6 1.0.0-M2.1) cannot start: " + reason
                + " Check the GPU and its driver with nvidia-smi (and CUDA_VISIBLE_DEVICES), or use the cpu profile;"
                + " see README 'CUDA'";
    }

    /** The visible GPUs: from nvidia-smi, else from ND4J's environment information; empty when neither answers. */
    public static List<Gpu> detect() {
        List<Gpu> gpus = fromNvidiaSmi();
        return gpus.isEmpty() ? fromNd4j() : gpus;
    }

    /**
     * {@code nvidia-smi --query-gpu=name,compute_cap --format=csv,noheader}, restricted to {@code CUDA_VISIBLE_DEVICES}
     * where it is set (nvidia-smi itself ignores it); empty if nvidia-smi is missing, fails or does not know the field.
     */
    static List<Gpu> fromNvidiaSmi() {
        List<String> command =
                new ArrayList<>(List.of("nvidia-smi", "--query-gpu=name,compute_cap", "--format=csv,noheader"));
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        if (visible != null && !visible.isBlank()) {
            command.add("--id=" + visible.strip());
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            return p.exitValue() == 0 ? parseNvidiaSmi(lines) : List.of();
        } catch (IOException e) {
            return List.of(); // no nvidia-smi on the PATH
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Parses nvidia-smi's {@code name, major.minor} lines; lines that are not of that form are skipped. */
    static List<Gpu> parseNvidiaSmi(List<String> lines) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : lines) {
            int comma = line.lastIndexOf(',');
            if (comma < 0) {
                continue;
            }
            String name = line.substring(0, comma).strip();
            String[] cc = line.substring(comma + 1).strip().split("\\.");
            if (name.isEmpty() || cc.length != 2) {
                continue;
            }
            try {
                gpus.add(new Gpu(name, Integer.parseInt(cc[0]), Integer.parseInt(cc[1])));
            } catch (NumberFormatException e) {
                // "[N/A]" or an error text: not a GPU line
            }
        }
        return gpus;
    }

    /** The GPUs ND4J's CUDA executioner reports; empty on any failure (this is the fallback). */
    static List<Gpu> fromNd4j() {
        try {
            return parseNd4j(org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation());
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }

    /** What ND4J's CUDA backend answered: the GPUs it reports, or (when it could not start) why not. */
    record Nd4jAnswer(List<Gpu> gpus, String failure) {}

    /**
     * {@link #fromNd4j()} with ND4J's own start-up output held back: where the backend cannot start, ND4J prints a
     * stack trace and a warning to standard error before failing, and the user is to see one line instead. The held
     * back output is passed on where the backend starts; where it fails, the first exception message in it (ND4J's
     * real reason, e.g. "No CUDA devices were found in system") or else the exception's own becomes the failure.
     */
    static Nd4jAnswer fromNd4jQuietly() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        System.setErr(new PrintStream(held, true, StandardCharsets.UTF_8));
        try {
            Map<?, ?> environment =
                    org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation();
            System.setErr(stderr);
            stderr.print(held.toString(StandardCharsets.UTF_8));
            return new Nd4jAnswer(parseNd4j(environment), null);
        } catch (RuntimeException | LinkageError e) {
            return new Nd4jAnswer(List.of(), failureReason(held.toString(StandardCharsets.UTF_8), e));
        } finally {
            System.setErr(stderr);
        }
    }

    private static final Pattern EXCEPTION_LINE =
            Pattern.compile("^(?:Exception in thread \"[^\"]*\" )?(?:[\\w$]+\\.)*[\\w$]*(?:Exception|Error): (.+)$");

    /**
     * The reason a backend start failed: the message of the first exception line in ND4J's held-back output (its own
     * diagnosis, printed before the wrapping exception), else the innermost message of {@code e}'s causes.
     */
    static String failureReason(String heldOutput, Throwable e) {
        for (String line : heldOutput.split("\\R")) {
            Matcher m = EXCEPTION_LINE.matcher(line.strip());
            if (m.matches()) {
                return m.group(1).strip();
            }
        }
        String reason = e.toString();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage();
            }
        }
        return reason;
    }

    /** The {@code cuda.devicesInformation} list of ND4J's environment information, as GPUs. */
    static List<Gpu> parseNd4j(Map<?, ?> environment) {
        List<Gpu> gpus = new ArrayList<>();
        if (environment.get("cuda.devicesInformation") instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> device) {
                    try {
                        gpus.add(new Gpu(
                                String.valueOf(device.get("cuda.deviceName")),
                                Integer.parseInt(String.valueOf(device.get("cuda.deviceMajor"))),
                                Integer.parseInt(String.valueOf(device.get("cuda.deviceMinor")))));
                    } catch (NumberFormatException e) {
                        // a device without a capability: skip it
                    }
                }
            }
        }
        return gpus;
    }
}

package org.sheetlab.experiments.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a result came from (Tribuo-style provenance): versions of sheetlab, DL4J and JavaCPP, the ND4J backend and its
 * BLAS, the JVM, the machine, the git revision of the working tree, and the time.
 */
public final class Provenance {
    private Provenance() {}

    /** A JSON-ready map of everything that identifies the software and machine a run used. */
    public static Map<String, Object> collect() {
        Map<String, Object> p = new LinkedHashMap<>();
        Properties versions = versions();
        p.put("sheetlab", versions.getProperty("sheetlab", "unknown"));
        p.put("dl4j", versions.getProperty("dl4j", "unknown"));
        p.put("javacpp", versions.getProperty("javacpp", "unknown"));
        p.put("nd4jArtifact", versions.getProperty("nd4j.backend", "unknown"));
        p.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, Object> nd4j = new LinkedHashMap<>();
        for (String key : env.stringPropertyNames()) {
            nd4j.put(key, env.getProperty(key));
        }
        p.put("nd4jEnvironment", nd4j);
        p.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        p.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        p.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        p.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        p.put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        // the fast paths' products: dnnl_sgemm (-Dsheetlab.blas.dnnl=true), cblas_sgemm or Nd4j.gemm, and why
        p.put("gemm", org.sheetlab.core.threads.DirectGemm.reason());
        p.put("gitRevision", gitRevision());
        p.put("time", Instant.now().toString());
        return p;
    }

    static Properties versions() {
        Properties props = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/org/sheetlab/experiments/versions.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException ignored) {
            // versions stay "unknown"
        }
        return props;
    }

    /** {@code git rev-parse HEAD} of the current directory, with "-dirty" when there are local changes. */
    public static String gitRevision() {
        String head = git("rev-parse", "HEAD");
        if (head == null) {
            return "unknown (not a git checkout)";
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status != null && !status.isBlank() ? head + "-dirty" : head;
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

package org.sheetlab.spark;

import java.io.File;
import java.net.URISyntaxException;
import java.security.CodeSource;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark context of this JVM, one per master: reused by every variant and test that asks for the same master,
 * stopped by Spark's shutdown hook. Settings that {@code spark-submit} or {@code -Dspark.*} already gave are kept;
 * otherwise it sets what DL4J on JDK 17 needs: the executors' {@code --add-opens} flags ({@link #ADD_OPENS}), their
 * memory (1 GiB of heap, ND4J's off-heap memory capped by {@code org.bytedeco.javacpp.maxphysicalbytes}), one ND4J
 * thread per executor core, and, for a cluster master, this jar as the application jar (so that
 * {@code java -jar sheetlab-spark.jar ... --spark spark://...} works without spark-submit). The driver binds to
 * 127.0.0.1 for a local master or a master on 127.0.0.1, and its web UI is off unless asked for.
 */
public final class SparkContexts {
    private static final Logger log = LoggerFactory.getLogger(SparkContexts.class);

    /** The JVM flags Spark 3.5 needs on JDK 17 (DL4J-NOTES, "Spark with the M2.1 core"). */
    public static final String ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED "
            + "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED "
            + "--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED "
            + "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
            + "--add-opens=java.base/sun.security.action=ALL-UNNAMED";

    /** Executor defaults: heap and ND4J's cap on the whole process's physical memory. */
    public static final String EXECUTOR_MEMORY = "1g";

    public static final String EXECUTOR_MAX_PHYSICAL_BYTES = "1600m";

    private static JavaSparkContext context;

    private SparkContexts() {}

    /** The context for {@code master}: this JVM's current one if it runs that master, else a new one. */
    public static synchronized JavaSparkContext get(String master) {
        if (context != null && !context.sc().isStopped() && master.equals(context.master())) {
            return context;
        }
        if (context != null) {
            context.stop();
        }
        SparkConf conf = configure(new SparkConf(), master);
        log.info("starting Spark: master {}", master);
        context = new JavaSparkContext(conf);
        return context;
    }

    /** {@code conf} with the master and the defaults above filled in where not set. */
    static SparkConf configure(SparkConf conf, String master) {
        conf.setMaster(master);
        conf.setIfMissing("spark.app.name", "sheetlab");
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.executor.memory", EXECUTOR_MEMORY);
        conf.setIfMissing(
                "spark.executor.extraJavaOptions",
                ADD_OPENS + " -Dorg.bytedeco.javacpp.maxphysicalbytes=" + EXECUTOR_MAX_PHYSICAL_BYTES
                        + " -XX:+UseSerialGC");
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.executor.cores", "1"));
        boolean loopback = master.startsWith("local")
                || master.startsWith("spark://127.0.0.1:")
                || master.startsWith("spark://localhost:");
        if (loopback) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!master.startsWith("local") && !conf.contains("spark.jars")) {
            String jar = applicationJar();
            if (jar != null) {
                conf.set("spark.jars", jar);
            }
        }
        return conf;
    }

    /** The jar this class was loaded from (sheetlab-spark.jar), or null when it runs from classes (tests). */
    static String applicationJar() {
        CodeSource source = SparkContexts.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            File f = new File(source.getLocation().toURI());
            return f.isFile() && f.getName().endsWith(".jar") ? f.getAbsolutePath() : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}

package org.sheetlab.experiments.ui;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.impl.VertxInternal;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.VertxUIServer;

/**
 * DL4J's training UI (deeplearning4j-ui 1.0.0-M2.1: {@link VertxUIServer} with its train, model and system pages)
 * served on the loopback address only, at a port the operating system picks free.
 *
 * <p>Why not {@code UIServer.getInstance()}: M2.1's server listens with {@code HttpServer.listen(port, handler)}, i.e. on
 * Vert.x's default host 0.0.0.0 (every interface), on port 9000 unless the system property
 * {@code org.deeplearning4j.ui.port} says otherwise, and it has no setting for the address. A training UI shows a
 * model's internals and lets anyone who reaches it attach storage, so it must not listen on the network. This class
 * deploys the same verticle into a Vert.x instance of its own and hands it a {@code Vertx} whose
 * {@code createHttpServer()} returns a server that listens on {@code 127.0.0.1} port 0 (a free port) whatever port the
 * verticle asks for. Everything else (routes, pages, modules, storage attachment) is DL4J's own code.
 */
public final class LoopbackUiServer implements AutoCloseable {
    /** The only address the server listens on. */
    public static final String HOST = "127.0.0.1";

    private final Vertx vertx;
    private final Verticle verticle;

    private LoopbackUiServer(Vertx vertx, Verticle verticle) {
        this.vertx = vertx;
        this.verticle = verticle;
    }

    /**
     * Starts the UI on {@code 127.0.0.1} at a free port and waits until it listens.
     *
     * @throws IllegalStateException when it does not start within 60 s or fails to bind
     */
    public static LoopbackUiServer start() {
        // Vert.x copies the classpath resources it serves into a cache folder, by default .vertx under the working
        // directory; keep it in the temporary folder instead of the user's project
        if (System.getProperty("vertx.cacheDirBase") == null) {
            System.setProperty("vertx.cacheDirBase", System.getProperty("java.io.tmpdir") + "/sheetlab-vertx-cache");
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(2).setEventLoopPoolSize(1));
        Verticle verticle = new Verticle();
        Promise<String> deployed = Promise.promise();
        vertx.deployVerticle(verticle, deployed);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!deployed.future().isComplete()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the training UI did not start within 60 s");
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            throw new IllegalStateException("interrupted while starting the training UI", e);
        }
        if (deployed.future().failed()) {
            vertx.close();
            throw new IllegalStateException(
                    "the training UI could not listen on " + HOST + ": "
                            + deployed.future().cause(),
                    deployed.future().cause());
        }
        return new LoopbackUiServer(vertx, verticle);
    }

    /** The port it listens on (chosen free at start). */
    public int port() {
        return verticle.getPort();
    }

    /** The training overview page (score chart, update:parameter ratios, timing). */
    public String url() {
        return "http://" + HOST + ":" + port() + "/train/overview";
    }

    /** Shows {@code storage}'s sessions (a file storage of a finished run, or one a listener is writing). */
    public void attach(StatsStorage storage) {
        verticle.attach(storage);
    }

    /** The uploads folder DL4J's server made in the temporary folder at start, if it was found (for tests). */
    Path uploadsDirectory() {
        return verticle.uploads;
    }

    /**
     * Stops listening and stops the server's threads (the attached storage stays open), and deletes the empty uploads
     * folder DL4J's server made at start.
     */
    @Override
    public void close() {
        try {
            verticle.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            vertx.close();
            verticle.deleteUploadsDirectory();
        }
    }

    /** DL4J's verticle, given a Vert.x whose HTTP servers listen on the loopback address at a free port. */
    private static final class Verticle extends VertxUIServer {
        /** The uploads folder M2.1's {@code start} makes ({@code java.io.tmpdir/DL4JUI_<millis>}); null if not found. */
        private volatile Path uploads;

        @Override
        public void init(Vertx vertx, Context context) {
            super.init(loopbackOnly((VertxInternal) vertx), context);
        }

        /**
         * DL4J's start, which first makes an uploads folder named after the clock in milliseconds and never removes
         * it (one empty {@code DL4JUI_*} folder left in the temporary folder per start); remembers which one it made.
         */
        @Override
        public void start(Promise<Void> startPromise) throws Exception {
            long before = System.currentTimeMillis();
            super.start(startPromise);
            long after = System.currentTimeMillis();
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            for (long t = before; t <= after && uploads == null; t++) {
                Path candidate = tmp.resolve("DL4JUI_" + t);
                if (Files.isDirectory(candidate)) {
                    uploads = candidate;
                }
            }
        }

        /** Deletes the uploads folder if it is still empty (the UI's pages never upload; a file in it is kept). */
        void deleteUploadsDirectory() {
            Path dir = uploads;
            if (dir == null) {
                return;
            }
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // not empty or not removable: leave it, as DL4J would
            }
        }
    }

    /** {@code vertx} with {@code createHttpServer()} answering loopback-only servers; every other call passes through. */
    private static Vertx loopbackOnly(VertxInternal vertx) {
        return (Vertx) Proxy.newProxyInstance(
                LoopbackUiServer.class.getClassLoader(), new Class<?>[] {VertxInternal.class}, (proxy, m, args) -> {
                    if (m.getName().equals("createHttpServer") && m.getParameterCount() == 0) {
                        return loopbackOnly(vertx.createHttpServer());
                    }
                    return forward(vertx, m, args);
                });
    }

    /**
     * {@code server} whose {@code listen(port, handler)} (the call DL4J makes) listens on {@code 127.0.0.1} at port 0
     * instead; its fluent calls return the proxy, so the chain DL4J writes stays on it.
     */
    @SuppressWarnings("unchecked")
    private static HttpServer loopbackOnly(HttpServer server) {
        return (HttpServer) Proxy.newProxyInstance(
                LoopbackUiServer.class.getClassLoader(), new Class<?>[] {HttpServer.class}, (proxy, m, args) -> {
                    if (m.getName().equals("listen")) {
                        Handler<AsyncResult<HttpServer>> done = null;
                        if (args != null && args.length > 0 && args[args.length - 1] instanceof Handler<?> h) {
                            done = (Handler<AsyncResult<HttpServer>>) h;
                        }
                        server.listen(0, HOST, done);
                        return proxy;
                    }
                    Object result = forward(server, m, args);
                    return result == server ? proxy : result;
                });
    }

    private static Object forward(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

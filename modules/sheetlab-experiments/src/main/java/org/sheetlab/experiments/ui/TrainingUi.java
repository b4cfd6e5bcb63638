package org.sheetlab.experiments.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingListener;
import org.sheetlab.train.TrainingState;
import org.sheetlab.train.TrainingStep;
import org.sheetlab.train.run.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --ui}: DL4J's training UI for a run. Every trained network gets a DL4J {@code StatsListener} writing to
 * {@link UiStats#FILE} in its folder (the run folder, or a variant's sub-folder), and one {@link LoopbackUiServer} per
 * run shows them while they train (one session per network, named after the experiment and variant), at
 * {@code http://127.0.0.1:<free port>/train/overview}, which is logged once. The listener records, every iteration,
 * the score, the learning rate, and per layer the mean magnitudes of parameters, updates and activations (the
 * update:parameter ratios) and their histograms. The server stops when the run ends; {@code sheetlab ui RUN_FOLDER}
 * replays the files.
 *
 * <p>DL4J records these statistics inside a network's own {@code fit}, so only steps that train through it
 * ({@link NetworkStep}) can be watched; other steps (the fast dense step, data-parallel training, the GAN, Newton and
 * style-transfer loops) are refused with a message. The listener is attached when the loop starts, after a
 * {@code --resume} restored the networks, so a resumed run appends to the same file and session.
 */
public final class TrainingUi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingUi.class);
    /** The worker name of the statistics (one JVM trains each network), so a resumed run continues the same series. */
    static final String WORKER = "sheetlab";

    private final Path runFolder;
    private final List<FileStatsStorage> storages = new ArrayList<>();
    private LoopbackUiServer server;

    /** The UI of a run in {@code run}: nothing starts until the first recorder's network starts training. */
    public TrainingUi(RunDirectory run) {
        this.runFolder = run.root();
    }

    /** The server, once the first network started training (null before, and without {@code --ui}). */
    public LoopbackUiServer server() {
        return server;
    }

    /**
     * The listener that records the network of {@code step} in {@code folder} under the session {@code session}, for
     * the step's trial ({@code Trial.with}); the harness adds it with {@code --ui}.
     *
     * @throws IllegalArgumentException when the step does not train through DL4J's fit
     */
    public TrainingListener recorder(TrainingStep step, RunDirectory folder, String session) {
        if (!(step instanceof NetworkStep)) {
            String name = step.getClass().getSimpleName();
            throw new IllegalArgumentException("--ui shows the statistics DL4J's StatsListener records inside a "
                    + "network's fit, but this run trains with " + name + ", "
                    + (name.equals("DenseAdamStep")
                            ? "sheetlab's fast dense step, which bypasses fit; add --step fit"
                            : name.equals("ParallelStep")
                                    ? "which fits replicas of the network through ParallelWrapper; drop --workers"
                                    : "which runs updates of its own; drop --ui")
                    + " (to watch it with --ui)");
        }
        return new Recorder(folder.root(), session);
    }

    /** Stops the server and closes the statistics files. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
            LOG.info("Training UI stopped; replay it with: scripts/sheetlab ui {}", runFolder);
        }
        for (FileStatsStorage s : storages) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("could not close {}: {}", s, e.toString());
            }
        }
        storages.clear();
    }

    /** Attaches the StatsListener when training starts (after a resume restored the network). */
    private final class Recorder implements TrainingListener {
        private final Path folder;
        private final String session;

        Recorder(Path folder, String session) {
            this.folder = folder;
            this.session = session;
        }

        @Override
        public void onStart(TrainingStep step, TrainingState state) {
            Model network = ((NetworkStep) step).network();
            FileStatsStorage storage = open(folder.resolve(UiStats.FILE), state.isFresh());
            storages.add(storage);
            if (server == null) {
                server = LoopbackUiServer.start();
                LOG.info("Training UI: {} (127.0.0.1 only; stops when the run ends)", server.url());
            }
            server.attach(storage);
            network.addListeners(UiStats.listener(storage, session, WORKER));
        }
    }

    /**
     * The statistics file of a network about to train: a fresh run starts it anew; a resumed run appends, unless
     * the file cannot be read (then it is kept beside as {@code .unreadable} and a new one started).
     */
    private static FileStatsStorage open(Path file, boolean fresh) {
        try {
            if (fresh) {
                Files.deleteIfExists(file);
            }
            try {
                return UiStats.open(file);
            } catch (IllegalArgumentException e) {
                Path aside = file.resolveSibling(UiStats.FILE + ".unreadable");
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                LOG.warn(
                        "{} could not be read ({}); kept as {}, the UI starts a new file", file, e.getMessage(), aside);
                return UiStats.open(file);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the training statistics " + file + ": " + e, e);
        }
    }
}

package org.sheetlab.experiments.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.sheetlab.experiments.ui.LoopbackUiServer;
import org.sheetlab.experiments.ui.UiStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sheetlab ui RUN_FOLDER}: replays the training statistics a run recorded with {@code --ui} (its
 * {@value UiStats#FILE}, and its variants' in their sub-folders) in DL4J's training UI, on {@code 127.0.0.1} at a free
 * port ({@link LoopbackUiServer}), until Ctrl-C or {@code --exit-after} seconds.
 */
@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = "Show a finished run's training statistics (recorded with --ui) in DL4J's training UI on "
                + "127.0.0.1 at a free port; prints the URL and serves until Ctrl-C.")
public final class UiCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_FOLDER", description = "A run folder of a run trained with --ui.")
    Path runFolder;

    @Option(
            names = "--exit-after",
            paramLabel = "SECONDS",
            description = "Stop serving after this many seconds (default: serve until Ctrl-C).")
    Integer exitAfter;

    @Override
    public Integer call() throws InterruptedException {
        if (exitAfter != null && exitAfter < 0) {
            throw new IllegalArgumentException("--exit-after must be >= 0 seconds, got " + exitAfter);
        }
        List<FileStatsStorage> storages = open(runFolder);
        try (LoopbackUiServer server = LoopbackUiServer.start()) {
            storages.forEach(server::attach);
            System.out.println("Training UI: " + server.url() + " (127.0.0.1 only; " + storages.size()
                    + " network(s) of " + runFolder + "; Ctrl-C to stop)");
            System.out.flush();
            CountDownLatch forever = new CountDownLatch(1);
            if (exitAfter == null) {
                forever.await();
            } else {
                forever.await(exitAfter, TimeUnit.SECONDS);
            }
        } finally {
            for (FileStatsStorage s : storages) {
                try {
                    s.close();
                } catch (RuntimeException ignored) {
                    // read-only use: nothing to lose
                }
            }
        }
        return 0;
    }

    /**
     * The statistics of {@code folder}, each checked to hold at least one session.
     *
     * @throws IllegalArgumentException for a missing folder, a folder without statistics, or an unreadable file
     */
    static List<FileStatsStorage> open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(
                    "no run folder " + folder + "; name a folder under runs/, e.g. " + "runs/final-q5/<date-time>");
        }
        List<Path> files;
        try {
            files = UiStats.find(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the run folder " + folder + ": " + e, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no training statistics in " + folder + " (no " + UiStats.FILE
                    + "): a run records them only when trained with --ui, e.g. scripts/sheetlab final-q5 --ui");
        }
        List<FileStatsStorage> storages = new ArrayList<>();
        try {
            for (Path f : files) {
                FileStatsStorage s = UiStats.open(f);
                storages.add(s);
                if (s.listSessionIDs().isEmpty()) {
                    throw new IllegalArgumentException(f + " holds no training statistics (the run stopped before "
                            + "its first iteration); train again with --ui");
                }
            }
        } catch (RuntimeException e) {
            for (FileStatsStorage s : storages) {
                try {
                    s.close();
                } catch (RuntimeException ignored) {
                    // reporting the first problem matters more
                }
            }
            throw e;
        }
        return storages;
    }
}

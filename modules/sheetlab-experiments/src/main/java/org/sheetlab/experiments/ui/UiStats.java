package org.sheetlab.experiments.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

/**
 * The training statistics file of a run folder: {@value #FILE}, DL4J's {@link FileStatsStorage} (a MapDB file) that
 * the {@code StatsListener} of a run trained with {@code --ui} writes, one per trained network (a comparison
 * experiment's variants each in their own sub-folder), and that {@code sheetlab ui RUN_FOLDER} replays.
 */
public final class UiStats {
    /** The file name in a run folder (or a variant's sub-folder). */
    public static final String FILE = "ui-stats.bin";

    private UiStats() {}

    /**
     * The statistics files of {@code runFolder}: its own {@value #FILE} and those of its variants' sub-folders, in
     * name order.
     */
    public static List<Path> find(Path runFolder) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(runFolder.resolve(FILE))) {
            files.add(runFolder.resolve(FILE));
        }
        try (Stream<Path> entries = Files.list(runFolder)) {
            entries.filter(Files::isDirectory)
                    .sorted()
                    .map(d -> d.resolve(FILE))
                    .filter(Files::isRegularFile)
                    .forEach(files::add);
        }
        return files;
    }

    /**
     * Opens (or creates) {@code file}.
     *
     * @throws IllegalArgumentException when the file exists but is not a readable statistics file
     */
    public static FileStatsStorage open(Path file) {
        try {
            return new FileStatsStorage(file.toFile());
        } catch (RuntimeException | Error e) { // MapDB's DBException and friends, an AssertionError on a bad header
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            throw new IllegalArgumentException(
                    file + " is not a readable training statistics file ("
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null
                                    ? ""
                                    : ": " + e.getMessage().strip().replaceAll("\\s+", " "))
                            + "); it is written by a run with --ui: train again with --ui",
                    e);
        }
    }

    /**
     * DL4J's {@link StatsListener} recording into {@code storage} under {@code session} and {@code worker} at every
     * iteration. M2.1's listener reports only every 10th iteration by default ({@code DefaultStatsUpdateConfiguration}'s
     * reporting frequency is 10), and its storage keys a worker's reports by their time in milliseconds, so two
     * iterations within one millisecond would keep only the second; the router in between gives each report of a
     * worker a later time than the one before it (at most a few ms later than measured), so no iteration is lost.
     */
    public static StatsListener listener(StatsStorageRouter storage, String session, String worker) {
        return new StatsListener(
                new DistinctTimes(storage),
                null,
                new DefaultStatsUpdateConfiguration.Builder()
                        .reportingFrequency(1)
                        .build(),
                session,
                worker);
    }

    /** Passes everything to {@code target}, giving each update report of a worker a strictly later time stamp. */
    private static final class DistinctTimes implements StatsStorageRouter {
        private final StatsStorageRouter target;
        private final Map<String, Long> last = new HashMap<>();

        DistinctTimes(StatsStorageRouter target) {
            this.target = target;
        }

        @Override
        public void putStorageMetaData(StorageMetaData m) {
            target.putStorageMetaData(m);
        }

        @Override
        public void putStorageMetaData(Collection<? extends StorageMetaData> m) {
            target.putStorageMetaData(m);
        }

        @Override
        public void putStaticInfo(Persistable p) {
            target.putStaticInfo(p);
        }

        @Override
        public void putStaticInfo(Collection<? extends Persistable> p) {
            target.putStaticInfo(p);
        }

        @Override
        public void putUpdate(Persistable p) {
            target.putUpdate(distinct(p));
        }

        @Override
        public void putUpdate(Collection<? extends Persistable> ps) {
            ps.forEach(this::putUpdate);
        }

        private synchronized Persistable distinct(Persistable p) {
            String key = p.getSessionID() + "/" + p.getTypeID() + "/" + p.getWorkerID();
            Long before = last.get(key);
            long t = p.getTimeStamp();
            if (before != null && t <= before && p instanceof StatsReport r) {
                t = before + 1;
                r.reportIDs(p.getSessionID(), p.getTypeID(), p.getWorkerID(), t);
            }
            last.put(key, t);
            return p;
        }
    }
}

package org.sheetlab.train.parallel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingStep;

/**
 * Data-parallel training of a {@link NetworkStep}'s network with DL4J's {@link ParallelWrapper} (parameter averaging,
 * the wrapper's {@code AVERAGING} mode): each harness batch of {@code B} examples is one round. It is cut into
 * {@code workers × averagingFrequency} shards of about {@code B / (workers × averagingFrequency)} examples; every
 * worker (a replica of the network, worker 0 being the network itself) takes {@code averagingFrequency} consecutive
 * shards and runs one {@code fit} per shard, and then the workers' parameters and updater states (Adam's m and v) are
 * averaged, {@code θ ← (1/W) Σ_w θ_w}, and copied back into every replica, so that after every harness batch the
 * network holds the averaged model.
 *
 * <p>Why one round per harness batch, rather than one {@code ParallelWrapper.fit} over the whole epoch: the harness's
 * services stay exact. The batch order is still the seeded one of the data source, every batch yields its training
 * loss (the workers' average score), and the network is consistent after every batch, so that mid-epoch checkpoints,
 * {@code --resume}, early stopping and evaluation work as with one worker. The examples per update stay {@code B}, so
 * the learning rate and batch size of a single-worker run carry over (with {@code averagingFrequency} 1 the round is
 * synchronous data-parallel SGD on {@code B}; with {@code k > 1} each worker takes k local steps on smaller shards
 * between averages: fewer synchronisations, more drift between replicas). The price: ParallelWrapper starts its
 * worker threads and rebuilds the replicas (configuration JSON, parameter and updater copy) at every
 * {@code fit}, i.e. every batch; that costs little next to a batch of a dense network, and it is what shows on two
 * cores, where {@code --workers 2} is not faster than one worker with two BLAS threads.
 *
 * <p>Not supported, refused with a message rather than ignored: steps other than {@link NetworkStep} (the fast
 * {@code DenseAdamStep}, GAN, style transfer and Newton loops drive their own updates, which ParallelWrapper cannot
 * replicate); batches smaller than {@code workers × averagingFrequency}. Dropout masks on the workers come from each
 * worker thread's own random generator, which the harness's per-batch seeding does not reach: a network with dropout
 * trains, but two runs (or a run and its resume) are not bit-identical.
 */
public final class ParallelStep implements TrainingStep {
    private final NetworkStep inner;
    private final int workers;
    private final int averagingFrequency;

    private ParallelStep(NetworkStep inner, int workers, int averagingFrequency) {
        this.inner = inner;
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
    }

    /**
     * {@code step} trained by {@code workers} ≥ 2 workers averaging every {@code averagingFrequency} ≥ 1 shards.
     *
     * @throws InvalidSettingException when the numbers are out of range or {@code step} is not a {@link NetworkStep}
     */
    public static ParallelStep of(TrainingStep step, int workers, int averagingFrequency) {
        InvalidSettingException.require(workers >= 2, null, "workers", workers, ">= 2 for data-parallel training");
        InvalidSettingException.require(
                averagingFrequency >= 1, null, "averagingFrequency", averagingFrequency, ">= 1");
        if (!(step instanceof NetworkStep network)) {
            throw InvalidSettingException.mentioning(
                    "workers",
                    workers,
                    "{workers} %s trains through DL4J's ParallelWrapper, which replicates a network's own fit; "
                            + "this experiment's training step (%s) runs updates of its own; use {workers} 1%s",
                    workers,
                    step.getClass().getSimpleName(),
                    step.getClass().getSimpleName().equals("DenseAdamStep") ? " or --step fit" : "");
        }
        return new ParallelStep(network, workers, averagingFrequency);
    }

    public int workers() {
        return workers;
    }

    public int averagingFrequency() {
        return averagingFrequency;
    }

    /** The wrapped step (its network is the one trained and checkpointed). */
    public NetworkStep inner() {
        return inner;
    }

    @Override
    public double fit(MultiDataSet batch) {
        long rows = batch.getFeatures(0).size(0);
        int shards = workers * averagingFrequency;
        if (rows < shards) {
            throw InvalidSettingException.mentioning(
                    "batchSize",
                    rows,
                    "a batch of %s examples cannot be shared by {workers} %s × {averagingFrequency} %s shards; raise "
                            + "{batchSize} or lower {workers}",
                    rows,
                    workers,
                    averagingFrequency);
        }
        List<MultiDataSet> parts = split(batch, shards);
        Model model = inner.network();
        // one averaging at the end of the round: the wrapper averages when its round counter reaches a multiple of
        // the frequency, and a fresh wrapper counts from 0; shard w·k+j goes to worker w in round j
        List<MultiDataSet> order = new ArrayList<>(shards);
        for (int round = 0; round < averagingFrequency; round++) {
            for (int w = 0; w < workers; w++) {
                order.add(parts.get(w * averagingFrequency + round));
            }
        }
        // ParallelWrapper builds each replica in its worker thread from the network's parameters while worker 0
        // (the network itself) already trains on its first shard: the gate holds worker 0 before its first update
        // until every replica has finished its first shard, so that all start from the same parameters
        Collection<TrainingListener> own = listeners(model);
        StartGate gate = new StartGate(model, workers - 1);
        List<TrainingListener> withGate = new ArrayList<>(own);
        withGate.add(gate);
        model.setListeners(withGate);
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(model)
                .workers(workers)
                .averagingFrequency(averagingFrequency)
                .averageUpdaters(true)
                .prefetchBuffer(0)
                .workspaceMode(workspaceMode(model))
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .build();
        try {
            if (model instanceof MultiLayerNetwork net) {
                List<DataSet> sets =
                        order.stream().map(ArrayDataSource::toDataSet).toList();
                wrapper.fit(new ExistingDataSetIterator(sets));
                return net.score();
            }
            wrapper.fit(new ListIterator(order));
            return ((ComputationGraph) model).score();
        } finally {
            wrapper.shutdown();
            model.setListeners(own);
        }
    }

    private static Collection<TrainingListener> listeners(Model model) {
        Collection<TrainingListener> ls =
                model instanceof MultiLayerNetwork net ? net.getListeners() : ((ComputationGraph) model).getListeners();
        return ls == null ? List.of() : List.copyOf(ls);
    }

    /**
     * Holds the root network (worker 0) at its first gradient of a round, before its parameters change, until the
     * {@code replicas} other workers have each finished one iteration (they copied the root's parameters before
     * their first fit). A replica that fails releases the gate after a minute rather than hanging the run.
     */
    private static final class StartGate extends BaseTrainingListener {
        private final Model root;
        private final CountDownLatch replicasStarted;
        private final Set<Model> counted = ConcurrentHashMap.newKeySet();
        private volatile boolean open;

        StartGate(Model root, int replicas) {
            this.root = root;
            this.replicasStarted = new CountDownLatch(replicas);
        }

        @Override
        public void onGradientCalculation(Model model) {
            if (model == root && !open) {
                try {
                    replicasStarted.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                open = true;
            }
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            if (model != root && counted.add(model)) {
                replicasStarted.countDown();
            }
        }
    }

    /** The network's own training workspace mode, so that the wrapper does not change it. */
    private static WorkspaceMode workspaceMode(Model model) {
        return model instanceof MultiLayerNetwork net
                ? net.getLayerWiseConfigurations().getTrainingWorkspaceMode()
                : ((ComputationGraph) model).getConfiguration().getTrainingWorkspaceMode();
    }

    /**
     * {@code batch} cut along the example axis into {@code parts} consecutive pieces whose sizes differ by at most
     * one (features, labels and their masks alike).
     */
    static List<MultiDataSet> split(MultiDataSet batch, int parts) {
        long rows = batch.getFeatures(0).size(0);
        List<MultiDataSet> out = new ArrayList<>(parts);
        long start = 0;
        for (int p = 0; p < parts; p++) {
            long end = start + rows / parts + (p < rows % parts ? 1 : 0);
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(
                    slice(batch.getFeatures(), start, end),
                    slice(batch.getLabels(), start, end),
                    slice(batch.getFeaturesMaskArrays(), start, end),
                    slice(batch.getLabelsMaskArrays(), start, end)));
            start = end;
        }
        return out;
    }

    private static INDArray[] slice(INDArray[] arrays, long start, long end) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null
                    ? null
                    : arrays[i].get(NDArrayIndex.interval(start, end)).dup();
        }
        return out;
    }

    @Override
    public Map<String, Model> networks() {
        return inner.networks();
    }

    @Override
    public void restore(Map<String, Model> networks) {
        inner.restore(networks);
    }

    @Override
    public void endEpoch() {
        inner.endEpoch();
    }

    /** The shards of one round, in the order the wrapper hands them out, for a ComputationGraph. */
    private static final class ListIterator implements MultiDataSetIterator {
        private final List<MultiDataSet> sets;
        private int next;
        private MultiDataSetPreProcessor preProcessor;

        ListIterator(List<MultiDataSet> sets) {
            this.sets = sets;
        }

        @Override
        public MultiDataSet next(int num) {
            throw new UnsupportedOperationException("one shard at a time");
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
            this.preProcessor = preProcessor;
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return preProcessor;
        }

        @Override
        public boolean resetSupported() {
            return true;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            next = 0;
        }

        @Override
        public boolean hasNext() {
            return next < sets.size();
        }

        @Override
        public MultiDataSet next() {
            MultiDataSet s = sets.get(next++);
            if (preProcessor != null) {
                preProcessor.preProcess(s);
            }
            return s;
        }
    }
}

package org.sheetlab.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.train.EpochTrainer;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingStep;

/**
 * Trains the batches of an epoch on Spark for {@link SparkTrainingLoop}. The harness's batches (of
 * {@code --batch-size} B, in the seeded order of the data source) go to Spark in groups: with parameter averaging a
 * group is one averaging round, W·K batches for W workers ({@code spark.default.parallelism}) and averaging frequency
 * K, cut into W contiguous partitions of K batches, so that each worker fits K batches of B from the broadcast
 * parameters and the driver averages parameters and updater state (one {@code fit} of DL4J's training master, one
 * split, no repartition); with gradient sharing a group runs up to the next checkpoint position. No group crosses a
 * checkpoint position, so the harness checkpoints where the local loop does. The network's epoch counter (which drives
 * {@code ScheduleType.EPOCH} learning-rate schedules) is kept at the harness's epoch; Spark's fit would otherwise count
 * every group as an epoch.
 *
 * <p>The training loss reported per group is DL4J's {@code getScore()} of the fit: the mean of the workers' scores on
 * their last batch of the round.
 */
final class SparkEpochTrainer implements EpochTrainer {
    private final SparkSettings settings;
    private final int batchSize;
    private JavaSparkContext sc;
    private int workers;
    private Model network;
    private SparkDl4jMultiLayer sparkNet;
    private SparkComputationGraph sparkGraph;
    private TrainingMaster<?, ?> trainingMaster;
    private long fits;
    private long batches;
    private double fitSeconds;

    SparkEpochTrainer(SparkSettings settings, int batchSize) {
        this.settings = settings;
        this.batchSize = batchSize;
    }

    @Override
    public void trainEpoch(TrainingStep step, DataSource train, int epoch, int perEpoch, Progress progress) {
        Model net = ((NetworkStep) step).network();
        if (net != network) {
            bind(net);
        }
        boolean averaging = SparkSettings.AVERAGING.equals(settings.training());
        int group = averaging ? workers * settings.averagingFrequency() : Integer.MAX_VALUE;
        while (progress.batch() < perEpoch && train.hasNext()) {
            int start = progress.batch();
            long end = Math.min(perEpoch, (long) start + group);
            int every = progress.checkpointEvery();
            if (every > 0) {
                end = Math.min(end, (start / every + 1L) * every);
            }
            List<MultiDataSet> chunk = new ArrayList<>();
            long samples = 0;
            for (long b = start; b < end && train.hasNext(); b++) {
                MultiDataSet batch = train.next();
                samples += batch.getFeatures(0).size(0);
                chunk.add(batch);
            }
            long t0 = System.nanoTime();
            double score = fit(chunk);
            fitSeconds += (System.nanoTime() - t0) / 1e9;
            fits++;
            batches += chunk.size();
            progress.trained(chunk.size(), samples, score, t0);
        }
    }

    /** One fit of the training master on {@code chunk}; returns its score. */
    private double fit(List<MultiDataSet> chunk) {
        int slices = Math.min(workers, chunk.size());
        if (sparkNet != null) {
            MultiLayerNetwork net = (MultiLayerNetwork) network;
            int epochCount = net.getLayerWiseConfigurations().getEpochCount();
            List<DataSet> data = new ArrayList<>(chunk.size());
            chunk.forEach(m -> data.add(ArrayDataSource.toDataSet(m)));
            JavaRDD<DataSet> rdd = sc.parallelize(data, slices);
            MultiLayerNetwork out = sparkNet.fit(rdd);
            if (out != net) {
                net.setParams(out.params());
                if (out.getUpdater().getStateViewArray() != null) {
                    net.getUpdater().getStateViewArray().assign(out.getUpdater().getStateViewArray());
                }
            }
            net.getLayerWiseConfigurations().setEpochCount(epochCount);
            return sparkNet.getScore();
        }
        ComputationGraph graph = (ComputationGraph) network;
        int epochCount = graph.getConfiguration().getEpochCount();
        JavaRDD<MultiDataSet> rdd = sc.parallelize(chunk, slices);
        ComputationGraph out = sparkGraph.fitMultiDataSet(rdd);
        if (out != graph) {
            graph.setParams(out.params());
            if (out.getUpdater().getStateViewArray() != null) {
                graph.getUpdater().getStateViewArray().assign(out.getUpdater().getStateViewArray());
            }
        }
        graph.getConfiguration().setEpochCount(epochCount);
        return sparkGraph.getScore();
    }

    /** Starts (or reuses) the context and wraps {@code net} for Spark with a new training master. */
    private void bind(Model net) {
        sc = SparkContexts.get(settings.master());
        workers = Math.max(1, sc.defaultParallelism());
        trainingMaster = trainingMaster();
        network = net;
        sparkNet = null;
        sparkGraph = null;
        if (net instanceof MultiLayerNetwork mln) {
            sparkNet = new SparkDl4jMultiLayer(sc, mln, trainingMaster);
        } else {
            sparkGraph = new SparkComputationGraph(sc, (ComputationGraph) net, trainingMaster);
        }
    }

    private TrainingMaster<?, ?> trainingMaster() {
        if (SparkSettings.AVERAGING.equals(settings.training())) {
            return new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
                    .batchSizePerWorker(batchSize)
                    .averagingFrequency(settings.averagingFrequency())
                    .workerPrefetchNumBatches(0)
                    .saveUpdater(true)
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .repartionData(Repartition.Never)
                    .build();
        }
        VoidConfiguration voidConfiguration = VoidConfiguration.builder()
                .unicastPort(40123)
                .controllerAddress("127.0.0.1")
                .build();
        return new SharedTrainingMaster.Builder(voidConfiguration, batchSize)
                .batchSizePerWorker(batchSize)
                .workersPerNode(1)
                .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(1e-3))
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartitionData(Repartition.Never)
                .build();
    }

    /** What spark.json records: the application, the training master's settings and where the time went. */
    Map<String, Object> report() {
        Map<String, Object> r = new LinkedHashMap<>();
        if (sc != null) {
            r.put("applicationId", sc.sc().applicationId());
            r.put("sparkVersion", sc.version());
            r.put("workers", workers);
            r.put("executors", sc.sc().getExecutorMemoryStatus().size() - (settings.isLocal() ? 0 : 1));
        }
        if (trainingMaster != null) {
            r.put("trainingMasterJson", trainingMaster.toJson());
        }
        r.put("fits", fits);
        r.put("batches", batches);
        r.put("fitSeconds", fitSeconds);
        r.put("secondsPerFit", fits == 0 ? 0 : fitSeconds / fits);
        return r;
    }
}

package org.sheetlab.experiments.run;

import java.util.List;
import java.util.Map;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.experiments.options.Datasets;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.train.EvaluationSet;

/**
 * An experiment on Fashion-MNIST (60,000 training and 10,000 test images): the data hook loads it from
 * {@code --data-dir} or the search path (fetching it when missing), and the sources come from the context's config.
 */
public abstract class FashionMnistExperiment<O extends ExperimentOptions, V> extends Experiment<O, FashionMnist, V> {
    protected FashionMnistExperiment(O options, Headline... headline) {
        super(options, headline);
    }

    @Override
    protected FashionMnist data(O options, long seed, org.sheetlab.train.run.RunDirectory run) {
        return Datasets.fashionMnist(options.dataDir);
    }

    @Override
    protected Map<String, Object> describe(FashionMnist data) {
        return Map.of(
                "dataset",
                "Fashion-MNIST " + data.train().size() + "/" + data.test().size());
    }

    /** The training images with labels, reshuffled per epoch from the config's seed, in the config's batch size. */
    protected static ArrayDataSource trainSource(Context<?, FashionMnist> c) {
        return c.data().train().shuffledSource(c.batchSize(), c.seed());
    }

    /** The test images in stored order, in the config's batch size. */
    protected static ArrayDataSource testSource(Context<?, FashionMnist> c) {
        return c.data().test().orderedSource(c.batchSize());
    }

    /** Loss and accuracy on the test set ({@code testLoss}, {@code testAccuracy}). */
    protected static List<EvaluationSet> testClassification(Context<?, FashionMnist> c) {
        return ExperimentRun.classification("test", testSource(c));
    }
}

package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.fashionmnist.FashionMnistFetcher;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.models.rnn.RowsAsSteps;

/**
 * A recurrent cell's training samples/s over Fashion-MNIST read row by row (28 steps of 28 values), its last step
 * into a softmax over 10 classes, Adam 1e-3, DL4J fit, batch 64, against {@code bench/lstm_torch.py --cell <cell>}.
 *
 * <p>200 untimed warm-up batches on both sides (about 4 s here): the JIT compiles the recurrent layers' Vector API
 * kernels 3.5-5 s into the JVM's life, so 10 warm-up batches timed partly interpreted code (LSTM 2,982 samples/s over
 * 100 batches against 3,735 over 400, 2026-12-06), which a training run of thousands of steps never sees.
 */
abstract class RowRnnBench extends TrainingBench {
    RowRnnBench() {
        super(64, 100, 200);
    }

    /** The peer's {@code --cell}: lstm or gru. */
    abstract String cell();

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        rounds("", "lstm_torch.py", List.of(), List.of("--cell", cell()));
        return report();
    }

    /** Trains {@code rnn} (28 → 128) + LastTimeStep + softmax and returns samples/s and the setting. */
    Map<String, Object> measure(Layer rnn, String impl) {
        FashionMnist data = FashionMnistFetcher.loadOrFetch();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new LastTimeStep(rnn))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.recurrent(28, 28))
                .build());
        net.init();
        ShuffledArrayIterator it = data.train().shuffledIterator(batchSize, seed);
        it.setPreProcessor(RowsAsSteps.FASHION_MNIST);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", impl);
        LossTrail losses = new LossTrail();
        java.util.function.Consumer<org.nd4j.linalg.dataset.DataSet> train = trainer(net, losses, r);
        // the label names the step that trained (the fast core, or DL4J's fit under --step fit or a fallback)
        String label = impl + ("fast".equals(r.get("step")) ? " (fast step)" : " (DL4J fit)");
        r.put("impl", label);
        r.putAll(timeTraining(label, train, it));
        r.put("finalLoss", losses.mean());
        return r;
    }
}

package org.sheetlab.models.vision.style;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.train.TrainingStep;

/**
 * Sheet, Neural Style Transfer: "optimise over G's pixels, the network fixed", as a training-harness step. Each
 * {@link #fit} is one Adam step on the generated image G [1, C, H, W]: g = dL/dG from {@link StyleTransfer#evaluate},
 * G ← clip(G − Adam(g), lo, hi) (the valid pixel range, [0, 1] for images read by {@code Photos}). The batch the loop
 * passes is a placeholder ({@link #steps(int)} gives the source: an "epoch" is that many optimisation steps, after
 * which the loop writes metrics, curves and a checkpoint, and listeners may write a snapshot of {@link #image()}).
 *
 * <p>Checkpoints hold the fixed network (as the loop's main network) and, in {@link #saveState()}, the image, Adam's
 * moment estimates (both as exact binary, base64) and the per-step loss history, so {@code --resume} continues a killed
 * run from its last checkpoint bit-identically. The network never changes, so {@link #restore} keeps this step's own
 * (equal) copy.
 *
 * <p>Per epoch it reports (see {@link #epochMetrics()}) the loss terms of the epoch's last step: {@code content},
 * {@code style} (Σ_l w_l L_style^[l]), {@code totalVariation} and {@code total}.
 */
public final class StyleTransferStep implements TrainingStep {
    private final StyleTransfer objective;
    private final ComputationGraph network;
    private final double low;
    private final double high;
    private final INDArray image;
    private final INDArray adamState;
    private final GradientUpdater<?> adam;
    private int iteration;
    private StyleTransfer.Evaluation last;
    private final List<double[]> history = new ArrayList<>();

    /**
     * @param objective the loss (its network stays fixed)
     * @param network the objective's network (saved in checkpoints and as model.zip)
     * @param initial the starting image [1, C, H, W] (e.g. the content image; copied)
     * @param learningRate Adam's step size, in pixel units (e.g. 0.02 for images in [0, 1])
     * @param low the smallest valid pixel value
     * @param high the largest valid pixel value
     */
    public StyleTransferStep(
            StyleTransfer objective,
            ComputationGraph network,
            INDArray initial,
            double learningRate,
            double low,
            double high) {
        if (!(learningRate > 0) || !(low < high)) {
            throw new IllegalArgumentException("StyleTransferStep: the learning rate must be > 0 and the pixel range "
                    + "low < high; got " + learningRate + ", [" + low + ", " + high + "]");
        }
        this.objective = objective;
        this.network = network;
        this.low = low;
        this.high = high;
        DataType type = network.params().dataType();
        this.image = Transforms.min(Transforms.max(initial.castTo(type), low, true), high, false);
        Adam config = new Adam(learningRate);
        this.adamState = Nd4j.zeros(type, 1, config.stateSize(image.length()));
        this.adam = config.instantiate(adamState, true);
    }

    /** A placeholder source whose epochs hold {@code stepsPerEpoch} steps (batch size 1). */
    public static DataSource steps(int stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("StyleTransferStep: steps per epoch must be >= 1, got " + stepsPerEpoch);
        }
        return new DataSource() {
            private int next;

            @Override
            public int batchesPerEpoch() {
                return stepsPerEpoch;
            }

            @Override
            public void seek(int epoch, int batch) {
                next = batch;
            }

            @Override
            public boolean hasNext() {
                return next < stepsPerEpoch;
            }

            @Override
            public MultiDataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("end of the epoch");
                }
                next++;
                INDArray one = Nd4j.zeros(DataType.FLOAT, 1, 1);
                return new org.nd4j.linalg.dataset.MultiDataSet(one, one);
            }

            @Override
            public int batchSize() {
                return 1;
            }
        };
    }

    /** One Adam step on the pixels; returns the total loss before the step. */
    @Override
    public double fit(MultiDataSet ignored) {
        last = objective.evaluate(image);
        history.add(new double[] {last.content(), last.style(), last.totalVariation(), last.total()});
        INDArray update = last.gradient().reshape(1, image.length()).dup();
        adam.applyUpdater(update, iteration, 0);
        iteration++;
        image.subi(update.reshape(image.shape()));
        Transforms.max(image, low, false);
        Transforms.min(image, high, false);
        return last.total();
    }

    /** The generated image now [1, C, H, W] (the step's own array: copy it to keep it). */
    public INDArray image() {
        return image;
    }

    /** Adam steps taken. */
    public int iteration() {
        return iteration;
    }

    /** Per step: {content, style, totalVariation, total} before that step's update. */
    public List<double[]> history() {
        return List.copyOf(history);
    }

    public StyleTransfer objective() {
        return objective;
    }

    @Override
    public Map<String, Model> networks() {
        return Map.of("network", network);
    }

    /** The network is fixed: the restored copy equals this step's, which is kept. */
    @Override
    public void restore(Map<String, Model> networks) {
        if (!(networks.get("network") instanceof ComputationGraph)) {
            throw new IllegalArgumentException("StyleTransferStep: the checkpoint holds no ComputationGraph 'network'");
        }
    }

    @Override
    public Map<String, Double> epochMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (last != null) {
            m.put("content", last.content());
            m.put("style", last.style());
            m.put("totalVariation", last.totalVariation());
            m.put("total", last.total());
        }
        return m;
    }

    @Override
    public Map<String, Object> saveState() {
        List<List<Double>> h = new ArrayList<>();
        for (double[] row : history) {
            h.add(List.of(row[0], row[1], row[2], row[3]));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("iteration", iteration);
        s.put("image", encode(image));
        s.put("adam", encode(adamState));
        s.put("history", h);
        s.put(
                "last",
                last == null ? List.of() : List.of(last.content(), last.style(), last.totalVariation(), last.total()));
        return s;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Map<String, Object> state) {
        iteration = ((Number) state.get("iteration")).intValue();
        image.assign(decode((String) state.get("image")).reshape(image.shape()));
        adamState.assign(decode((String) state.get("adam")).reshape(adamState.shape()));
        history.clear();
        for (List<Number> row : (List<List<Number>>) state.get("history")) {
            history.add(row.stream().mapToDouble(Number::doubleValue).toArray());
        }
        List<Number> l = (List<Number>) state.getOrDefault("last", List.of());
        last = l.isEmpty()
                ? null
                : new StyleTransfer.Evaluation(
                        l.get(0).doubleValue(),
                        l.get(1).doubleValue(),
                        Map.of(),
                        l.get(2).doubleValue(),
                        l.get(3).doubleValue(),
                        null);
    }

    private static String encode(INDArray a) {
        try {
            return Base64.getEncoder().encodeToString(Nd4j.toByteArray(a));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static INDArray decode(String s) {
        return Nd4j.fromByteArray(Base64.getDecoder().decode(s));
    }
}

package org.sheetlab.train.fast;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingStep;

/**
 * The harness's choice of training step ({@code --step auto|fast|fit}) for a network an experiment hands over as a
 * {@link NetworkStep}:
 *
 * <ul>
 *   <li>{@code auto} (the default): {@link DenseAdamStep} for the plain dense softmax MLP with Adam (Final Q5; its
 *       hand-written backprop is faster still), else {@link FastStep} where {@link FastCore#unsupported} is empty,
 *       else DL4J's fit with the reason (the layer, setting or listener) recorded;
 *   <li>{@code fast}: as auto, but an unsupported network is an error naming the reason;
 *   <li>{@code fit}: DL4J's fit.
 * </ul>
 *
 * Data-parallel training ({@code --workers} ≥ 2) replicates DL4J's fit, so it keeps fit (and refuses fast). Steps of
 * an experiment's own (GAN, word2vec, style transfer, Newton) are kept as they are; the GAN's step chooses per network
 * itself.
 *
 * @param step the step to train with
 * @param kind {@code dense}, {@code fast}, {@code fit} or {@code own}
 * @param reason why not the fast step (null when it is)
 * @param networks for a step with several networks ({@link MultiNetworkStep}): each network's choice
 */
public record StepSelection(TrainingStep step, String kind, String reason, Map<String, Object> networks) {
    public StepSelection(TrainingStep step, String kind, String reason) {
        this(step, kind, reason, Map.of());
    }

    /**
     * A step of an experiment's own that trains several networks (a GAN's D and G∘D) and chooses the fast core for
     * each of them itself ({@link #core}).
     */
    public interface MultiNetworkStep extends TrainingStep {
        /** Chooses each network's step under {@code mode}; returns each network's choice as run.json records it. */
        Map<String, Object> chooseSteps(String mode);
    }

    /**
     * The fast core for one network of a multi-network step under {@code mode}, or null for fit; {@code record}
     * receives the network's choice ({@code kind}, and the {@code reason} for fit). With {@code fast}, an unsupported
     * network is an IllegalArgumentException naming the reason.
     */
    public static FastCore core(Model network, String mode, String name, Map<String, Object> record) {
        checkMode(mode);
        Map<String, Object> m = new LinkedHashMap<>();
        FastCore core = null;
        if (mode.equals("fit")) {
            m.put("kind", "fit");
            m.put("reason", "--step fit");
        } else {
            Optional<String> why = FastCore.unsupported(network);
            if (why.isPresent() && mode.equals("fast")) {
                throw new IllegalArgumentException("--step fast: the fast training step cannot train the " + name
                        + " network: " + why.get() + "; use --step auto (falls back to fit) or --step fit");
            }
            if (why.isPresent()) {
                m.put("kind", "fit");
                m.put("reason", why.get());
            } else {
                core = FastCore.of(network);
                m.put("kind", "fast");
                core.densePath().ifPresent(d -> m.put("densePath", d));
                core.pooling().ifPresent(d -> m.put("poolingPath", d));
            }
        }
        record.put(name, m);
        return core;
    }
    /** The values of {@code --step}. */
    public static final List<String> MODES = List.of("auto", "fast", "fit");

    /** Checks a {@code --step} value; an IllegalArgumentException names the allowed ones. */
    public static String checkMode(String mode) {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("--step must be auto, fast or fit, got " + mode);
        }
        return mode;
    }

    /** The step for {@code step} under {@code mode} with {@code workers} data-parallel workers (1 = none). */
    public static StepSelection choose(TrainingStep step, String mode, int workers) {
        checkMode(mode);
        if (step instanceof MultiNetworkStep multi && workers == 1) {
            Map<String, Object> networks = multi.chooseSteps(mode);
            boolean allFast = networks.values().stream().allMatch(v -> "fast".equals(((Map<?, ?>) v).get("kind")));
            return new StepSelection(
                    step,
                    "own",
                    allFast ? null : "not every network takes the fast step",
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(networks)));
        }
        if (!(step instanceof NetworkStep ns)) {
            return new StepSelection(
                    step, "own", "the experiment's own step " + step.getClass().getSimpleName());
        }
        if (workers > 1) {
            if (mode.equals("fast")) {
                throw new IllegalArgumentException("--step fast runs its own updates, which ParallelWrapper "
                        + "(--workers " + workers + ") cannot replicate; use --step auto or fit with --workers");
            }
            return new StepSelection(step, "fit", "--workers " + workers + ": data-parallel training runs DL4J's fit");
        }
        return choose(ns.network(), mode);
    }

    /** The step for {@code network} under {@code mode} ({@code auto}, {@code fast} or {@code fit}). */
    public static StepSelection choose(Model network, String mode) {
        checkMode(mode);
        if (mode.equals("fit")) {
            return new StepSelection(fitStep(network), "fit", "--step fit");
        }
        if (network instanceof MultiLayerNetwork net
                && DenseAdamStep.unsupported(net).isEmpty()
                && FastCore.unsupported(net).isEmpty()) {
            return new StepSelection(DenseAdamStep.of(net), "dense", null);
        }
        Optional<String> why = FastCore.unsupported(network);
        if (why.isEmpty()) {
            return new StepSelection(FastStep.of(network), "fast", null);
        }
        if (mode.equals("fast")) {
            throw new IllegalArgumentException("--step fast: the fast training step cannot train this network: "
                    + why.get() + "; use --step auto (falls back to fit) or --step fit");
        }
        return new StepSelection(fitStep(network), "fit", why.get());
    }

    private static NetworkStep fitStep(Model network) {
        return network instanceof MultiLayerNetwork m ? NetworkStep.of(m) : NetworkStep.of((ComputationGraph) network);
    }

    /** What run.json records: the step's class, its kind and, unless fast, why. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step.getClass().getSimpleName());
        m.put("kind", kind);
        if (reason != null) {
            m.put("reason", reason);
        }
        if (!networks.isEmpty()) {
            m.put("networks", networks);
        }
        return m;
    }

    /** The log line: which step trains {@code what}, and why when not the fast one. */
    public String describe(String what) {
        return what + " trains with " + step.getClass().getSimpleName()
                + (reason == null ? "" : " (" + kind + ": " + reason + ")")
                + (networks.isEmpty() ? "" : " " + networks);
    }
}

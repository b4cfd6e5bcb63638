package org.sheetlab.models.vision.style;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.core.style.ContentLoss;
import org.sheetlab.core.style.GramMatrix;
import org.sheetlab.core.style.LossTerm;
import org.sheetlab.core.style.StyleLoss;
import org.sheetlab.core.style.TotalVariation;
import org.sheetlab.models.gradient.InputGradients;

/**
 * Sheet, Neural Style Transfer (Final Q3): the loss of a generated image G given a content image C and a style image
 * S, read from named layers of a fixed ComputationGraph, and its gradient with respect to G's pixels:
 *
 * <pre>
 *   L(G) = α · L_content(C, G) + β · Σ_l w_l · L_style^[l](S, G) + γ · TV(G)
 *   L_content = mean (a^[c](G) − a^[c](C))²                           ({@link ContentLoss}, layer c)
 *   L_style^[l] = mean (Ĝ^[l](G) − Ĝ^[l](S))²,  Ĝ^[l] = M^[l] M^[l]ᵀ / (C_l H_l W_l),  M^[l] ∈ R^(C_l × H_l W_l)
 * </pre>
 *
 * (normalisation: PyTorch's neural-transfer tutorial, see {@code org.sheetlab.core.style}; TV is optional, γ = 0 by
 * default). The network stays fixed; only G's pixels move. dL/dG comes from one forward pass up to the deepest named
 * layer and one backward pass seeded with dL/da^[l] at every named layer ({@link InputGradients#ofActivations}), in
 * inference mode. The sheet's rule of thumb: early layers (block1_conv1) carry texture and colour, later layers
 * (block4_conv2) the arrangement of objects, so the content layer is usually a later one and the style layers span
 * early to late.
 *
 * <p>The images are fed through a {@link PixelTransform} (identity by default; Keras' caffe preprocessing for ImageNet
 * VGG19 weights), and the gradient comes back through it, so G stays in pixel units.
 *
 * <p>Shapes: images [1, C, H, W] (NCHW, the network's input layout; B > 1 is allowed and treated as a batch of
 * independent images whose losses are averaged). The style image may have another size than the content image; the
 * generated image has the content image's size.
 *
 * <pre>{@code
 * StyleTransfer st = StyleTransfer.on(graph).content("block3_conv2").style(Map.of("block1_conv1", 1.0,
 *         "block2_conv1", 1.0)).weights(1.0, 1e3, 0.0).targets(contentImage, styleImage);
 * StyleTransfer.Evaluation e = st.evaluate(generated);   // e.total(), e.gradient() [1, C, H, W]
 * }</pre>
 */
public final class StyleTransfer {
    private final ComputationGraph graph;
    private final String contentLayer;
    private final Map<String, Double> styleLayers;
    private final double alpha;
    private final double beta;
    private final double gamma;
    private final PixelTransform pixels;
    private final INDArray contentTarget;
    private final Map<String, INDArray> styleTargets;

    private StyleTransfer(
            ComputationGraph graph,
            String contentLayer,
            Map<String, Double> styleLayers,
            double alpha,
            double beta,
            double gamma,
            PixelTransform pixels,
            INDArray contentTarget,
            Map<String, INDArray> styleTargets) {
        this.graph = graph;
        this.contentLayer = contentLayer;
        this.styleLayers = styleLayers;
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.pixels = pixels;
        this.contentTarget = contentTarget;
        this.styleTargets = styleTargets;
    }

    /** Starts the configuration on a fixed graph (its parameters are never changed). */
    public static Builder on(ComputationGraph graph) {
        return new Builder(graph);
    }

    /**
     * The loss of one evaluation and its gradient with respect to the image.
     *
     * @param content L_content (unweighted)
     * @param style Σ_l w_l L_style^[l] (layer weights applied, β not)
     * @param styleByLayer L_style^[l] per layer (unweighted), in the configured order
     * @param totalVariation TV(G) (unweighted; computed also when γ = 0)
     * @param total α·content + β·style + γ·TV
     * @param gradient dL/dG, shaped like the image
     */
    public record Evaluation(
            double content,
            double style,
            Map<String, Double> styleByLayer,
            double totalVariation,
            double total,
            INDArray gradient) {}

    /** The loss of {@code image} [B, C, H, W] and dL/dimage. */
    public Evaluation evaluate(INDArray image) {
        Set<String> layers = new LinkedHashSet<>();
        layers.add(contentLayer);
        layers.addAll(styleLayers.keySet());
        double[] content = new double[1];
        double[] style = new double[1];
        Map<String, Double> byLayer = new LinkedHashMap<>();
        List<INDArray> grads =
                InputGradients.ofActivations(graph, new INDArray[] {pixels.apply(image)}, layers, activations -> {
                    Map<String, INDArray> dA = new LinkedHashMap<>();
                    if (alpha != 0) {
                        LossTerm c = ContentLoss.of(activations.get(contentLayer), contentTarget);
                        content[0] = c.value();
                        dA.put(contentLayer, c.gradient().muli(alpha));
                    }
                    for (Map.Entry<String, Double> l : styleLayers.entrySet()) {
                        LossTerm s = StyleLoss.of(activations.get(l.getKey()), styleTargets.get(l.getKey()));
                        byLayer.put(l.getKey(), s.value());
                        style[0] += l.getValue() * s.value();
                        INDArray g = s.gradient().muli(beta * l.getValue());
                        dA.merge(l.getKey(), g, INDArray::add);
                    }
                    return dA;
                });
        INDArray gradient = pixels.backward(grads.get(0));
        LossTerm t = TotalVariation.of(image.castTo(gradient.dataType())); // reported even when γ = 0
        double tv = t.value();
        if (gamma != 0) {
            gradient = gradient.add(t.gradient().muli(gamma));
        }
        double total = alpha * content[0] + beta * style[0] + gamma * tv;
        return new Evaluation(content[0], style[0], byLayer, tv, total, gradient);
    }

    /**
     * The activations of the named layers for {@code image} [B, C, H, W], in inference mode, computing only those
     * layers and what they read from (copies; the graph's later layers need not accept the image's size).
     */
    public static Map<String, INDArray> activations(
            ComputationGraph graph, INDArray image, java.util.Collection<String> layers) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        InputGradients.ofActivations(graph, new INDArray[] {image}, layers, a -> {
            a.forEach((k, v) -> out.put(k, v.dup()));
            return Map.of();
        });
        return out;
    }

    public String contentLayer() {
        return contentLayer;
    }

    /** The style layers and their weights w_l, in order. */
    public Map<String, Double> styleLayers() {
        return styleLayers;
    }

    /** The content target a^[c](C) [1, C_c, H_c, W_c]. */
    public INDArray contentTarget() {
        return contentTarget;
    }

    /** The style targets Ĝ^[l](S) [1, C_l, C_l] by layer. */
    public Map<String, INDArray> styleTargets() {
        return styleTargets;
    }

    /** α, β, γ. */
    public double[] weights() {
        return new double[] {alpha, beta, gamma};
    }

    /** Configuration: content layer, style layers with weights, α, β, γ; then {@link #targets} computes the targets. */
    public static final class Builder {
        private final ComputationGraph graph;
        private String contentLayer;
        private Map<String, Double> styleLayers = new LinkedHashMap<>();
        private double alpha = 1;
        private double beta = 1e3;
        private double gamma;
        private PixelTransform pixels = PixelTransform.identity();

        private Builder(ComputationGraph graph) {
            if (graph == null) {
                throw new IllegalArgumentException("StyleTransfer: the network must not be null");
            }
            this.graph = graph;
        }

        /** The layer whose activations the content loss compares (e.g. {@code block4_conv2}). */
        public Builder content(String layer) {
            this.contentLayer = layer;
            return this;
        }

        /** The style layers and their weights w_l, in order (use a LinkedHashMap to fix the order). */
        public Builder style(Map<String, Double> layers) {
            this.styleLayers = new LinkedHashMap<>(layers);
            return this;
        }

        /** The style layers with equal weights 1/n. */
        public Builder style(List<String> layers) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String l : layers) {
                m.put(l, 1.0 / layers.size());
            }
            return style(m);
        }

        /** α (content), β (style), γ (total variation); each >= 0 (defaults 1, 1000, 0). */
        public Builder weights(double alpha, double beta, double gamma) {
            this.alpha = alpha;
            this.beta = beta;
            this.gamma = gamma;
            return this;
        }

        /**
         * How images (RGB in [0, 1]) become the network's input: {@link PixelTransform#identity()} (default) or
         * {@link PixelTransform#imagenetCaffe()} for ImageNet VGG19 weights.
         */
        public Builder pixels(PixelTransform transform) {
            this.pixels = transform;
            return this;
        }

        /**
         * The objective for content image C and style image S (each [1, C, H, W] in the network's input range): runs
         * the network on each once and keeps a^[c](C) and Ĝ^[l](S).
         */
        public StyleTransfer targets(INDArray contentImage, INDArray styleImage) {
            check();
            INDArray c = activations(graph, pixels.apply(contentImage), List.of(contentLayer))
                    .get(contentLayer);
            Map<String, INDArray> s = activations(graph, pixels.apply(styleImage), styleLayers.keySet());
            Map<String, INDArray> grams = new LinkedHashMap<>();
            for (String l : styleLayers.keySet()) {
                grams.put(l, GramMatrix.normalised(s.get(l)));
            }
            return new StyleTransfer(
                    graph,
                    contentLayer,
                    Collections.unmodifiableMap(new LinkedHashMap<>(styleLayers)),
                    alpha,
                    beta,
                    gamma,
                    pixels,
                    c,
                    Collections.unmodifiableMap(grams));
        }

        private void check() {
            if (contentLayer == null) {
                throw new IllegalStateException("StyleTransfer: set the content layer with content(name)");
            }
            if (styleLayers.isEmpty()) {
                throw new IllegalStateException("StyleTransfer: set at least one style layer with style(...)");
            }
            List<String> names = new ArrayList<>();
            for (GraphVertex v : graph.getVertices()) {
                names.add(v.getVertexName());
            }
            List<String> wanted = new ArrayList<>();
            wanted.add(contentLayer);
            wanted.addAll(styleLayers.keySet());
            for (String l : wanted) {
                if (!names.contains(l)) {
                    throw new IllegalArgumentException(
                            "StyleTransfer: the network has no layer '" + l + "'; its layers are " + names);
                }
            }
            for (Map.Entry<String, Double> e : styleLayers.entrySet()) {
                if (!(e.getValue() >= 0)) {
                    throw new IllegalArgumentException("StyleTransfer: the weight of style layer '" + e.getKey()
                            + "' must be >= 0, got " + e.getValue());
                }
            }
            if (!(alpha >= 0 && beta >= 0 && gamma >= 0)) {
                throw new IllegalArgumentException("StyleTransfer: α, β and γ must be >= 0, got "
                        + Arrays.toString(new double[] {alpha, beta, gamma}));
            }
        }
    }
}

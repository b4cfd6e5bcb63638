/**
 * Sheet section "Neural Style Transfer" (Final Q3): the closed-form pieces on feature maps, each with its gradient with
 * respect to the activations. {@link org.sheetlab.core.style.GramMatrix} G^[l] = M^[l] (M^[l])ᵀ with M^[l] ∈ R^(C × HW),
 * {@link org.sheetlab.core.style.ContentLoss} (MSE of the activations of C and G at one layer),
 * {@link org.sheetlab.core.style.StyleLoss} (MSE between the Gram matrices of S and G at one layer) and
 * {@link org.sheetlab.core.style.TotalVariation} (a smoothness prior on the image). The network part (activations of
 * named layers, the gradient with respect to the pixels, the optimisation) is {@code org.sheetlab.models.vision.style}.
 *
 * <p>Normalisation (one convention, the one of PyTorch's neural-transfer tutorial, which the reference script
 * {@code style_transfer.py} follows): the Gram matrix used by the style loss is divided by the feature map's size
 * C·H·W, and both losses are means ({@code F.mse_loss}). Gatys et al. write E_l = 1/(4 N_l² M_l²) Σ (G − A)² with the
 * plain Gram matrices (N_l = C, M_l = HW) and the content loss ½ Σ (F − P)²; the two differ from ours by constant
 * factors per layer (E_l^Gatys = (C²/4) · E_l^ours; content^Gatys = (CHW/2) · content^ours), which α, β and the layer
 * weights absorb.
 */
package org.sheetlab.core.style;

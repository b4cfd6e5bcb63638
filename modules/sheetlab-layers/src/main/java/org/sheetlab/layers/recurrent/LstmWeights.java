package org.sheetlab.layers.recurrent;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * LSTM weights between DL4J's layout and PyTorch's nn.LSTM (sheet: LSTM Gates).
 *
 * <table>
 *   <caption>Layouts (H = hidden size)</caption>
 *   <tr><th></th><th>DL4J {@code LSTM} / {@link FastLSTM}</th><th>PyTorch {@code nn.LSTM}</th></tr>
 *   <tr><td>input weights</td><td>W [n_in, 4H], columns</td><td>weight_ih_l0 [4H, n_in], rows</td></tr>
 *   <tr><td>recurrent weights</td><td>RW [H, 4H], columns</td><td>weight_hh_l0 [4H, H], rows</td></tr>
 *   <tr><td>bias</td><td>b [1, 4H] (one)</td><td>bias_ih_l0 + bias_hh_l0 [4H] (two, summed)</td></tr>
 *   <tr><td>gate order</td><td>C̃ (block input, tanh), f, o, i</td><td>i, f, g = C̃, o</td></tr>
 * </table>
 *
 * Both compute the sheet's equations; with weights converted here they give the same outputs (tested to 1e-10 in
 * double).
 */
public final class LstmWeights {
    private LstmWeights() {}

    /** DL4J's gate block k holds PyTorch's gate block {@code DL4J_TO_TORCH[k]} (blocks of H). */
    private static final int[] DL4J_TO_TORCH = {2, 1, 3, 0};

    /** DL4J parameters {W [n_in, 4H], RW [H, 4H], b [1, 4H]}. */
    public record Dl4j(INDArray w, INDArray rw, INDArray b) {}

    /** PyTorch parameters {weight_ih [4H, n_in], weight_hh [4H, H], bias_ih [4H], bias_hh [4H]}. */
    public record Torch(INDArray weightIh, INDArray weightHh, INDArray biasIh, INDArray biasHh) {}

    /** PyTorch's nn.LSTM parameters as DL4J's (the two biases summed). */
    public static Dl4j fromTorch(Torch t) {
        long h = t.weightHh().size(1);
        check(t.weightIh().size(0) == 4 * h && t.weightHh().size(0) == 4 * h, "weight_ih/weight_hh must have 4H rows");
        INDArray w = Nd4j.create(t.weightIh().dataType(), t.weightIh().size(1), 4 * h);
        INDArray rw = Nd4j.create(t.weightHh().dataType(), h, 4 * h);
        INDArray b = Nd4j.create(t.biasIh().dataType(), 1, 4 * h);
        INDArray bias = t.biasIh().reshape(1, 4 * h).add(t.biasHh().reshape(1, 4 * h));
        for (int k = 0; k < 4; k++) {
            long src = DL4J_TO_TORCH[k] * h;
            w.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h))
                    .assign(t.weightIh()
                            .get(NDArrayIndex.interval(src, src + h), NDArrayIndex.all())
                            .transpose());
            rw.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h))
                    .assign(t.weightHh()
                            .get(NDArrayIndex.interval(src, src + h), NDArrayIndex.all())
                            .transpose());
            b.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h))
                    .assign(bias.get(NDArrayIndex.all(), NDArrayIndex.interval(src, src + h)));
        }
        return new Dl4j(w, rw, b);
    }

    /** DL4J's LSTM parameters as PyTorch's (all of the bias in bias_ih, bias_hh = 0). */
    public static Torch toTorch(Dl4j d) {
        long h = d.rw().size(0);
        check(d.w().size(1) == 4 * h && d.rw().size(1) == 4 * h, "W and RW must have 4H columns");
        INDArray wih = Nd4j.create(d.w().dataType(), 4 * h, d.w().size(0));
        INDArray whh = Nd4j.create(d.rw().dataType(), 4 * h, h);
        INDArray bih = Nd4j.create(d.b().dataType(), 4 * h);
        INDArray b = d.b().reshape(4 * h);
        for (int k = 0; k < 4; k++) {
            long dst = DL4J_TO_TORCH[k] * h;
            wih.get(NDArrayIndex.interval(dst, dst + h), NDArrayIndex.all())
                    .assign(d.w().get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h))
                            .transpose());
            whh.get(NDArrayIndex.interval(dst, dst + h), NDArrayIndex.all())
                    .assign(d.rw().get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h))
                            .transpose());
            bih.get(NDArrayIndex.interval(dst, dst + h)).assign(b.get(NDArrayIndex.interval(k * h, (k + 1) * h)));
        }
        return new Torch(wih, whh, bih, Nd4j.zeros(d.b().dataType(), 4 * h));
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("LstmWeights: " + what);
        }
    }
}

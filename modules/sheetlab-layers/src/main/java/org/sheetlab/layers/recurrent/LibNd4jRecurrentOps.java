package org.sheetlab.layers.recurrent;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * libnd4j's own recurrent ops, called through ND4J on the weights of {@link FastLSTM} and {@link GRU}: what the
 * comparison with our kernels ({@link FastLstmLayer}, {@link GruLayer}) runs (issue 20, "library primitives before
 * hand-written loops"). Nothing in the layers uses it.
 *
 * <p><b>LSTM</b>: {@code lstmLayer} and {@code lstmLayer_bp} (ND4J 1.0.0-M2.1). The op's weights are Wx [n_in, 4H],
 * Wr [H, 4H], b [4H] with the gate blocks in the order [i, f, c̃, o]; DL4J's (and FastLSTM's) W, RW, b hold the same
 * blocks as [c̃, f, o, i]; {@link #lstmWeights} and {@link #lstmGradients} move the blocks. No peepholes, h_0 = c_0 =
 * 0, σ gates, tanh cell and output activations: the sheet's LSTM, as FastLSTM computes it.
 *
 * <p>The {@code onednn-avx2} natives carry a oneDNN (mkldnn) implementation of {@code lstmLayer}'s forward pass only
 * ({@code lstmLayer_bp}, {@code gru} and {@code gru_bp} have none). It applies to FLOAT with data format 0 [T, B, n_in]
 * or 1 [B, T, n_in], not 2 (NCW, DL4J's), and in M2.1 it fails ("Op [lstmLayer] execution failed") unless the last h
 * and c are requested as outputs too; {@link #lstmForward} with {@code oneDnnLayout} meets these conditions (x
 * copied to [B, T, n_in], the output copied back to NCW). Whether it runs is ND4J's choice:
 * {@code Nd4j.getEnvironment().allowHelpers(false)} turns it off.
 *
 * <p><b>GRU</b>: {@code gru} (input [T, B, n_in], h_0, Wx [n_in, 3H], Wh [H, 3H], b [3H], gate order [r, u, c] =
 * GRU's [r, z, h̃]) computes GRU's {@code resetAfter} form (PyTorch's) with the recurrent candidate bias b_hn = 0:
 * h̃ = tanh(W_x x + b + r ⊙ (W_h h)). Its backward op {@code gru_bp} does not return that function's gradient in M2.1
 * (it differs from central differences of {@code gru} itself; LibNd4jRecurrentOpsTest), so it is no candidate for
 * training.
 */
public final class LibNd4jRecurrentOps {
    private LibNd4jRecurrentOps() {}

    /** The op's gate block k (i, f, c̃, o) is DL4J's block {@code OP_FROM_DL4J[k]} (DL4J: c̃, f, o, i). */
    private static final int[] OP_FROM_DL4J = {3, 1, 0, 2};

    /** DL4J's gate block k (c̃, f, o, i) is the op's block {@code DL4J_FROM_OP[k]}. */
    private static final int[] DL4J_FROM_OP = {2, 1, 3, 0};

    /** The op's LSTM weights: Wx [n_in, 4H], Wr [H, 4H], b [4H], gate blocks [i, f, c̃, o]. */
    public record LstmWeights(INDArray wx, INDArray wr, INDArray b) {
        /** H. */
        public long hidden() {
            return wr.size(0);
        }
    }

    /**
     * Gradients in DL4J's layout: dx [B, n_in, T], dW [n_in, 4H], dRW [H, 4H], db [4H] (the shape of FastLSTM's "b"
     * gradient; GRU's: [1, 3H]).
     */
    public record Gradients(INDArray dx, INDArray dw, INDArray drw, INDArray db) {}

    /** FastLSTM's (DL4J's) W [n_in, 4H], RW [H, 4H], b [1, 4H] in the op's layout (new arrays). */
    public static LstmWeights lstmWeights(INDArray w, INDArray rw, INDArray b) {
        long h = rw.size(0);
        check(
                w.rank() == 2 && w.size(1) == 4 * h && rw.size(1) == 4 * h && b.length() == 4 * h,
                "W [n_in, 4H], RW [H, 4H] and b [1, 4H] expected");
        return new LstmWeights(
                blocks(w, h, OP_FROM_DL4J, null),
                blocks(rw, h, OP_FROM_DL4J, null),
                blocks(b.reshape(1, 4 * h), h, OP_FROM_DL4J, null).reshape(4 * h));
    }

    /**
     * Moves the op's weight gradients into DL4J's layout ({@code into}: its dW, dRW and a contiguous db receive them;
     * null = new arrays).
     */
    public static Gradients lstmGradients(INDArray dx, INDArray dwx, INDArray dwr, INDArray db, Gradients into) {
        long h = dwr.size(0);
        return new Gradients(
                dx,
                blocks(dwx, h, DL4J_FROM_OP, into == null ? null : into.dw()),
                blocks(dwr, h, DL4J_FROM_OP, into == null ? null : into.drw()),
                blocks(
                                db.reshape(1, 4 * h),
                                h,
                                DL4J_FROM_OP,
                                into == null ? null : into.db().reshape(1, 4 * h))
                        .reshape(4 * h));
    }

    /**
     * out's column block k ← a's column block {@code from[k]} (blocks of h columns); {@code out} null: a new array.
     */
    private static INDArray blocks(INDArray a, long h, int[] from, INDArray out) {
        INDArray o = out != null ? out : Nd4j.createUninitialized(a.dataType(), a.shape(), 'c');
        for (int k = 0; k < from.length; k++) {
            o.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h))
                    .assign(a.get(NDArrayIndex.all(), NDArrayIndex.interval(from[k] * h, (from[k] + 1) * h)));
        }
        return o;
    }

    /**
     * The {@code lstmLayer} op for input x [B, n_in, T] (NCW): output [B, H, T]. {@code oneDnnLayout}: the input
     * copied to [B, T, n_in] (data format 1) and the last h and c requested too, so that libnd4j's oneDNN
     * implementation can take it (where the natives have it and helpers are allowed); else data format 2 (NCW) as is,
     * which only libnd4j's own loop computes.
     */
    public static INDArray lstmForward(INDArray x, LstmWeights w, boolean oneDnnLayout) {
        check(x.rank() == 3 && x.size(1) == w.wx().size(0), "x [B, n_in, T] with n_in = Wx's rows expected");
        long b = x.size(0);
        long t = x.size(2);
        long h = w.hidden();
        if (!oneDnnLayout) {
            INDArray out = Nd4j.createUninitialized(x.dataType(), new long[] {b, h, t}, 'c');
            Nd4j.exec(lstmOp(2, x, w, false, out));
            return out;
        }
        INDArray xNtc = x.permute(0, 2, 1).dup('c');
        INDArray out = Nd4j.createUninitialized(x.dataType(), new long[] {b, t, h}, 'c');
        INDArray last = Nd4j.createUninitialized(x.dataType(), new long[] {b, h}, 'c');
        INDArray cell = Nd4j.createUninitialized(x.dataType(), new long[] {b, h}, 'c');
        Nd4j.exec(lstmOp(1, xNtc, w, true, out, last, cell));
        return out.permute(0, 2, 1).dup('c');
    }

    /**
     * The {@code lstmLayer} op itself on preallocated arrays (for repeated calls): data format {@code format}, the
     * last h and c as outputs too when {@code lastStates} (then {@code outs} = h, hL, cL).
     */
    public static DynamicCustomOp lstmOp(int format, INDArray x, LstmWeights w, boolean lastStates, INDArray... outs) {
        return DynamicCustomOp.builder("lstmLayer")
                .addInputs(x, w.wx(), w.wr(), w.b())
                .addOutputs(outs)
                // data format, direction 0 (forward), gate σ (2), cell tanh (0), output tanh (0)
                .addIntegerArguments(format, 0, 2, 0, 0)
                // biases, no seqLen, no h_0, no c_0, no peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, false, false, false, true, lastStates, lastStates)
                .addFloatingPointArguments(0.0) // no cell clipping
                .build();
    }

    /**
     * The {@code lstmLayer_bp} op on preallocated arrays: x and dLdh [B, n_in, T] / [B, H, T] (data format 2), the
     * outputs dx [B, n_in, T], dWx, dWr, db in the op's layout.
     */
    public static DynamicCustomOp lstmBackwardOp(
            INDArray x, LstmWeights w, INDArray dy, INDArray dx, INDArray dwx, INDArray dwr, INDArray db) {
        return DynamicCustomOp.builder("lstmLayer_bp")
                .addInputs(x, w.wx(), w.wr(), w.b(), dy)
                .addOutputs(dx, dwx, dwr, db)
                .addIntegerArguments(2, 0, 2, 0, 0)
                .addBooleanArguments(true, false, false, false, false, true, false, false)
                .addFloatingPointArguments(0.0)
                .build();
    }

    /** {@code lstmLayer_bp} for x [B, n_in, T] and dL/dy [B, H, T]: the gradients in DL4J's layout. */
    public static Gradients lstmBackward(INDArray x, LstmWeights w, INDArray dy) {
        INDArray dx = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        INDArray dwx = Nd4j.createUninitialized(x.dataType(), w.wx().shape(), 'c');
        INDArray dwr = Nd4j.createUninitialized(x.dataType(), w.wr().shape(), 'c');
        INDArray db = Nd4j.createUninitialized(x.dataType(), w.b().shape(), 'c');
        Nd4j.exec(lstmBackwardOp(x, w, dy, dx, dwx, dwr, db));
        return lstmGradients(dx, dwx, dwr, db, null);
    }

    /** The {@code gru} op on preallocated arrays: x [T, B, n_in], h0 [B, H], W [n_in, 3H], RW [H, 3H], b [3H]. */
    public static DynamicCustomOp gruOp(INDArray xTbn, INDArray h0, INDArray w, INDArray rw, INDArray b, INDArray out) {
        return DynamicCustomOp.builder("gru")
                .addInputs(xTbn, h0, w, rw, b)
                .addOutputs(out)
                .build();
    }

    /** The {@code gru_bp} op: outputs dx [T, B, n_in], dh0, dW, dRW, db. */
    public static DynamicCustomOp gruBackwardOp(
            INDArray xTbn, INDArray h0, INDArray w, INDArray rw, INDArray b, INDArray dyTbh, INDArray... outs) {
        return DynamicCustomOp.builder("gru_bp")
                .addInputs(xTbn, h0, w, rw, b, dyTbh)
                .addOutputs(outs)
                .build();
    }

    /**
     * The {@code gru} op for x [B, n_in, T] (NCW) with GRU's W [n_in, 3H], RW [H, 3H], b [1, 3H] (h_0 = 0): output
     * [B, H, T], GRU's resetAfter form with b_hn = 0.
     */
    public static INDArray gruForward(INDArray x, INDArray w, INDArray rw, INDArray b) {
        long h = rw.size(0);
        check(
                x.rank() == 3 && x.size(1) == w.size(0) && w.size(1) == 3 * h && rw.size(1) == 3 * h,
                "x [B, n_in, T], W [n_in, 3H], RW [H, 3H] expected");
        INDArray xt = x.permute(2, 0, 1).dup('c');
        INDArray out = Nd4j.createUninitialized(x.dataType(), new long[] {x.size(2), x.size(0), h}, 'c');
        Nd4j.exec(gruOp(xt, Nd4j.zeros(x.dataType(), x.size(0), h), w, rw, b.reshape(3 * h), out));
        return out.permute(1, 2, 0).dup('c');
    }

    /**
     * The {@code gru_bp} op for x [B, n_in, T] and dL/dy [B, H, T] (h_0 = 0): dx [B, n_in, T], dW, dRW, db [1, 3H] as
     * the op returns them (M2.1: not the gradient of {@link #gruForward}; see the class comment).
     */
    public static Gradients gruBackward(INDArray x, INDArray w, INDArray rw, INDArray b, INDArray dy) {
        long h = rw.size(0);
        INDArray xt = x.permute(2, 0, 1).dup('c');
        INDArray dyt = dy.permute(2, 0, 1).dup('c');
        INDArray dxt = Nd4j.createUninitialized(x.dataType(), xt.shape(), 'c');
        INDArray dh0 = Nd4j.createUninitialized(x.dataType(), new long[] {x.size(0), h}, 'c');
        INDArray dw = Nd4j.createUninitialized(x.dataType(), w.shape(), 'c');
        INDArray drw = Nd4j.createUninitialized(x.dataType(), rw.shape(), 'c');
        INDArray db = Nd4j.createUninitialized(x.dataType(), new long[] {3 * h}, 'c');
        Nd4j.exec(gruBackwardOp(
                xt, Nd4j.zeros(x.dataType(), x.size(0), h), w, rw, b.reshape(3 * h), dyt, dxt, dh0, dw, drw, db));
        return new Gradients(dxt.permute(1, 2, 0).dup('c'), dw, drw, db.reshape(1, 3 * h));
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("LibNd4jRecurrentOps: " + what);
        }
    }
}

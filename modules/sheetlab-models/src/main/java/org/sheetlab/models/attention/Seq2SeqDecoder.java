package org.sheetlab.models.attention;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.data.source.SequencePairDataSource;
import org.sheetlab.data.text.Vocabulary;

/**
 * Sheet, Attention Mechanism: greedy decoding with a trained {@link Seq2SeqNetwork}. The decoder's first input is the
 * start token; at step t the network runs on the source x [B, V, T] and the decoder inputs so far (one-hot [B, V, T],
 * later steps 0 = padding), ŷ_t = argmax_v p[b, v, t] (the first maximum on ties), and ŷ_t becomes the decoder's
 * input at step t + 1. T passes of the whole graph, each teacher-forced with the model's own earlier predictions
 * (the decoder is a GRU over all T steps, so positions after t do not affect step t).
 */
public final class Seq2SeqDecoder {
    private Seq2SeqDecoder() {}

    /**
     * Greedy decoding of a batch of token ids.
     *
     * @param graph a {@link Seq2SeqNetwork} graph (inputs {@value Seq2SeqNetwork#SOURCE}, {@value
     *     Seq2SeqNetwork#PREVIOUS}, each one-hot [B, V, T])
     * @param source token ids [B][T], every row of the graph's length T
     * @param vocabularySize V
     * @param start the id the decoder starts from (step 0's previous token)
     * @return the predicted ids [B][T]
     */
    public static int[][] greedy(ComputationGraph graph, int[][] source, int vocabularySize, int start) {
        int n = source.length;
        if (n == 0) {
            return new int[0][];
        }
        int steps = source[0].length;
        for (int[] row : source) {
            if (row.length != steps) {
                throw new IllegalArgumentException("Seq2SeqDecoder: every source must have the same length T; got "
                        + steps + " and " + row.length);
            }
        }
        if (start < 0 || start >= vocabularySize) {
            throw new IllegalArgumentException(
                    "Seq2SeqDecoder: start id " + start + " is outside the vocabulary of " + vocabularySize);
        }
        int[][] prev = new int[n][steps];
        for (int i = 0; i < n; i++) {
            prev[i][0] = start;
        }
        INDArray x = SequencePairDataSource.oneHot(source, vocabularySize);
        int[][] out = new int[n][steps];
        for (int t = 0; t < steps; t++) {
            INDArray p = graph.output(false, x, SequencePairDataSource.oneHot(prev, vocabularySize))[0];
            INDArray best = p.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .argMax(1);
            for (int i = 0; i < n; i++) {
                out[i][t] = best.getInt(i);
                if (t + 1 < steps) {
                    prev[i][t + 1] = out[i][t];
                }
            }
        }
        return out;
    }

    /**
     * Greedy decoding of words: each word becomes ids padded with id 0 to {@code steps} ({@link Vocabulary#ids}), and
     * each decoding its T symbols (padding included).
     *
     * @param start the symbol the decoder starts from
     */
    public static List<String> decode(
            ComputationGraph graph, Vocabulary vocabulary, char start, List<String> words, int steps) {
        int[][] src = new int[words.size()][];
        for (int i = 0; i < src.length; i++) {
            src[i] = vocabulary.ids(words.get(i), steps);
        }
        List<String> decoded = new ArrayList<>();
        for (int[] ids : greedy(graph, src, vocabulary.size(), vocabulary.id(start))) {
            decoded.add(vocabulary.text(ids));
        }
        return decoded;
    }
}

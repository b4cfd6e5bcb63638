package org.sheetlab.models.attention;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.sheetlab.data.text.Vocabulary;

/**
 * Sheet, Attention Mechanism: the word-reversal task an encoder–decoder ({@link Seq2SeqNetwork}) learns, and its
 * headline metric. A word w of n ≤ T letters is the source ids(w) padded to T; the target is its reversal followed by
 * T − n padding symbols. {@link #exactByLength} is the share of words whose greedy decoding ({@link Seq2SeqDecoder}) is
 * exactly that target (every one of the T symbols right, padding included), per word length n.
 */
public final class Reversal {
    /** Token 0 ('_') pads, token 1 ('^') starts the decoder, then a … z: V = 28. */
    public static final Vocabulary VOCABULARY = Vocabulary.of("_^abcdefghijklmnopqrstuvwxyz");

    public static final char PAD = '_';
    public static final char START = '^';
    /** Words per {@code graph.output} batch when decoding for {@link #exactByLength(ComputationGraph, List, int)}. */
    public static final int DECODE_BATCH = 500;

    private Reversal() {}

    /** w read backwards. */
    public static String reverse(String w) {
        return new StringBuilder(w).reverse().toString();
    }

    /** The target of {@code w}: its reversal, padded with {@link #PAD} to {@code steps} symbols. */
    public static String target(String w, int steps) {
        if (w.length() > steps) {
            throw new IllegalArgumentException(
                    "\"" + w + "\" has " + w.length() + " letters, more than the " + steps + " steps");
        }
        return reverse(w) + String.valueOf(PAD).repeat(steps - w.length());
    }

    /** Greedy decodings of {@code words} (each T = {@code steps} symbols) with {@link #VOCABULARY}, from {@link #START}. */
    public static List<String> decode(ComputationGraph graph, List<String> words, int steps) {
        return Seq2SeqDecoder.decode(graph, VOCABULARY, START, words, steps);
    }

    /**
     * Exact reversal by word length, on decodings already made: for each length n present in {@code words}, the share
     * of words of n letters whose decoding equals {@link #target(String, int)}. Keys in increasing n, only lengths
     * that occur.
     *
     * @param words the source words, each of at most {@code steps} letters
     * @param decoded their decodings, in the same order, each of {@code steps} symbols
     */
    public static Map<Integer, Double> exactByLength(List<String> words, List<String> decoded, int steps) {
        if (words.size() != decoded.size()) {
            throw new IllegalArgumentException(
                    "exactByLength: " + words.size() + " words but " + decoded.size() + " decodings");
        }
        int[] right = new int[steps + 1];
        int[] total = new int[steps + 1];
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String expected = target(w, steps);
            total[w.length()]++;
            if (decoded.get(i).equals(expected)) {
                right[w.length()]++;
            }
        }
        Map<Integer, Double> acc = new LinkedHashMap<>();
        for (int len = 0; len <= steps; len++) {
            if (total[len] > 0) {
                acc.put(len, right[len] / (double) total[len]);
            }
        }
        return acc;
    }

    /** The share of {@code words} whose decoding equals {@link #target(String, int)}, over all lengths. */
    public static double exact(List<String> words, List<String> decoded, int steps) {
        if (words.size() != decoded.size()) {
            throw new IllegalArgumentException(
                    "exact: " + words.size() + " words but " + decoded.size() + " decodings");
        }
        long right = 0;
        for (int i = 0; i < words.size(); i++) {
            right += decoded.get(i).equals(target(words.get(i), steps)) ? 1 : 0;
        }
        return right / (double) words.size();
    }

    /** Greedy decodings of {@code words} by a trained graph, {@value #DECODE_BATCH} words per batch. */
    public static List<String> decodeAll(ComputationGraph graph, List<String> words, int steps) {
        List<String> decoded = new java.util.ArrayList<>(words.size());
        for (int from = 0; from < words.size(); from += DECODE_BATCH) {
            decoded.addAll(decode(graph, words.subList(from, Math.min(words.size(), from + DECODE_BATCH)), steps));
        }
        return decoded;
    }

    /**
     * Exact reversal by word length of a trained graph: {@link #decodeAll} scored with
     * {@link #exactByLength(List, List, int)}.
     */
    public static Map<Integer, Double> exactByLength(ComputationGraph graph, List<String> words, int steps) {
        return exactByLength(words, decodeAll(graph, words, steps), steps);
    }
}

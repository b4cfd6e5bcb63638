package org.sheetlab.text.word2vec;

import java.util.Random;

/**
 * The noise distribution of negative sampling (sheet section "Word2Vec Skip-Gram": "Noise sampling: p^(3/4)(w) —
 * boosts rare words"): P_n(w) = count(w)^(3/4) / Z with Z = Σ_v count(v)^(3/4), over a vocabulary of V words.
 *
 * <p>Raising the unigram distribution to 3/4 flattens it: a word 100× more frequent than another is drawn only
 * 100^0.75 ≈ 31.6× as often. Negatives are drawn the way the original word2vec C tool draws them
 * ({@code InitUnigramTable} in word2vec.c) and DL4J's {@code InMemoryLookupTable.makeTable(size, 0.75)} builds its
 * table: a table of {@code size} word indices in which word w fills a run of about size·P_n(w) consecutive cells, so
 * that a uniform cell index gives a word with probability P_n(w) up to 1/size per word. (The C tool sums the powered
 * counts into a {@code long long}, truncating Z; this class keeps Z in double.)
 */
public final class NoiseDistribution {
    /** The exponent of the sheet and of word2vec. */
    public static final double POWER = 0.75;

    private final double[] probabilities;
    private final int[] table;

    private NoiseDistribution(double[] probabilities, int[] table) {
        this.probabilities = probabilities;
        this.table = table;
    }

    /**
     * The distribution count^power / Z over words 0..V−1 with a sampling table of {@code tableSize} cells.
     *
     * @param counts V corpus counts, each at least 1
     * @param power the exponent (0.75 in word2vec; 1 is the unigram distribution, 0 the uniform one)
     * @param tableSize cells in the sampling table (word2vec.c uses 10^8, DL4J 10^5), at least V
     */
    public static NoiseDistribution of(long[] counts, double power, int tableSize) {
        if (counts.length == 0) {
            throw new IllegalArgumentException("the vocabulary is empty: the noise distribution needs at least 1 word");
        }
        if (tableSize < counts.length) {
            throw new IllegalArgumentException(
                    "tableSize " + tableSize + " is smaller than the vocabulary (" + counts.length + " words)");
        }
        double z = 0;
        double[] p = new double[counts.length];
        for (int w = 0; w < counts.length; w++) {
            if (counts[w] < 1) {
                throw new IllegalArgumentException(
                        "count of word " + w + " is " + counts[w] + "; every word of the vocabulary needs count >= 1");
            }
            p[w] = Math.pow(counts[w], power);
            z += p[w];
        }
        for (int w = 0; w < p.length; w++) {
            p[w] /= z;
        }
        // word2vec.c InitUnigramTable: cell a holds word i while a / size has not passed the cumulative P_n up to i
        int[] table = new int[tableSize];
        int i = 0;
        double cumulative = p[0];
        for (int a = 0; a < tableSize; a++) {
            table[a] = i;
            if (a / (double) tableSize > cumulative && i < p.length - 1) {
                i++;
                cumulative += p[i];
            }
        }
        return new NoiseDistribution(p, table);
    }

    /** The word2vec distribution count^(3/4) / Z with a table of {@code tableSize} cells. */
    public static NoiseDistribution unigramPow(long[] counts, int tableSize) {
        return of(counts, POWER, tableSize);
    }

    /** V. */
    public int size() {
        return probabilities.length;
    }

    /** P_n(w) = count(w)^power / Z, exactly (not from the table). */
    public double probability(int word) {
        return probabilities[word];
    }

    /** A copy of all V probabilities. */
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** A copy of the sampling table: word indices, each word in one run of consecutive cells. */
    public int[] table() {
        return table.clone();
    }

    /** One negative: the word in a uniformly drawn table cell. */
    public int sample(Random random) {
        return table[random.nextInt(table.length)];
    }
}

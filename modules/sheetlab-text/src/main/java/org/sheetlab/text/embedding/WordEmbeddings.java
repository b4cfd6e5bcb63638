package org.sheetlab.text.embedding;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of word vectors: the output of word2vec (sheet section "Word2Vec Skip-Gram", the target embeddings t),
 * whichever trainer made it, and the content of a word2vec text or binary vectors file.
 *
 * <p>Shapes: {@code words} has V entries (unique, in the trainer's order, usually by descending corpus count);
 * {@code vectors} is the V × d matrix stored row-major in one {@code float[]} of length V·d, row i the vector of word i.
 * Plain heap arrays, not an INDArray: a 100k × 300 table is 120 MB, trainers update it in place from several threads,
 * and lookups of single rows are the common access.
 */
public final class WordEmbeddings {
    private final List<String> words;
    private final float[] vectors;
    private final int dimension;
    private final Map<String, Integer> index;

    /**
     * @param words the vocabulary, V unique words
     * @param vectors V·d floats, row-major (kept, not copied: the trainer's table)
     * @param dimension d, at least 1
     */
    public WordEmbeddings(List<String> words, float[] vectors, int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        if ((long) words.size() * dimension != vectors.length) {
            throw new IllegalArgumentException("vectors must hold words × dimension = "
                    + words.size()
                    + " × "
                    + dimension
                    + " floats, got "
                    + vectors.length);
        }
        this.words = List.copyOf(words);
        this.vectors = vectors;
        this.dimension = dimension;
        this.index = new HashMap<>(words.size() * 2);
        for (int i = 0; i < this.words.size(); i++) {
            if (index.putIfAbsent(this.words.get(i), i) != null) {
                throw new IllegalArgumentException("word '" + this.words.get(i) + "' appears twice (rows "
                        + index.get(this.words.get(i)) + " and " + i + ")");
            }
        }
    }

    /** V, the number of words. */
    public int size() {
        return words.size();
    }

    /** d, the length of each vector. */
    public int dimension() {
        return dimension;
    }

    /** The vocabulary in row order. */
    public List<String> words() {
        return words;
    }

    /** The word of row {@code i}. */
    public String word(int i) {
        return words.get(i);
    }

    /** The row of {@code word}, or -1 when it is not in the vocabulary. */
    public int indexOf(String word) {
        Integer i = index.get(word);
        return i == null ? -1 : i;
    }

    /** True when {@code word} has a vector. */
    public boolean contains(String word) {
        return index.containsKey(word);
    }

    /** A copy of the vector of row {@code i}, length d. */
    public float[] vector(int i) {
        return Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension);
    }

    /** A copy of the vector of {@code word}; an error naming the word when it is not in the vocabulary. */
    public float[] vector(String word) {
        int i = indexOf(word);
        if (i < 0) {
            throw new IllegalArgumentException("'" + word + "' is not in the vocabulary of " + size() + " words");
        }
        return vector(i);
    }

    /** The V·d row-major table itself (not a copy): for trainers, writers and fast scans. */
    public float[] table() {
        return vectors;
    }
}

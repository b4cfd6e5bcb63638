package org.sheetlab.data.text;

/**
 * A character vocabulary of size V (sheet: "Simple RNN", "LSTM Gates", "GRU", "Attention Mechanism"): symbol i has id
 * i, the position of its 1 in a one-hot vector, so a sequence of T ids is one example of a [B, V, T] input or output.
 * Each symbol appears once. Immutable.
 *
 * <pre>{@code
 * Vocabulary v = Vocabulary.of("_^abcdefghijklmnopqrstuvwxyz");   // 0 pads, 1 starts, then a … z
 * int[] ids = v.ids("cab", 5);                                    // {4, 2, 3, 0, 0}
 * String s = v.text(ids);                                         // "cab__"
 * }</pre>
 */
public final class Vocabulary {
    private final String symbols;
    private final int[] index = new int[Character.MAX_VALUE + 1];

    private Vocabulary(String symbols) {
        this.symbols = symbols;
        java.util.Arrays.fill(index, -1);
        for (int i = 0; i < symbols.length(); i++) {
            index[symbols.charAt(i)] = i;
        }
    }

    /** The vocabulary whose symbol i is {@code symbols.charAt(i)}; each character once, at least one. */
    public static Vocabulary of(String symbols) {
        if (symbols == null || symbols.isEmpty() || symbols.chars().distinct().count() != symbols.length()) {
            throw new IllegalArgumentException(
                    "a vocabulary needs at least one symbol, each character once; got \"" + symbols + "\"");
        }
        return new Vocabulary(symbols);
    }

    /** V, the number of symbols (the one-hot width). */
    public int size() {
        return symbols.length();
    }

    /** The symbols in id order. */
    public String symbols() {
        return symbols;
    }

    public boolean contains(char c) {
        return index[c] >= 0;
    }

    /** The id of {@code c}; an error naming the character when it is not in the vocabulary. */
    public int id(char c) {
        int i = index[c];
        if (i < 0) {
            throw new IllegalArgumentException(
                    "character '" + c + "' (U+" + String.format(java.util.Locale.ROOT, "%04X", (int) c)
                            + ") is not in the vocabulary \"" + symbols + "\"");
        }
        return i;
    }

    /** The symbol with id {@code id}, 0 ≤ id < V. */
    public char symbol(int id) {
        if (id < 0 || id >= symbols.length()) {
            throw new IllegalArgumentException("id " + id + " is outside the vocabulary of " + size() + " symbols");
        }
        return symbols.charAt(id);
    }

    /**
     * The ids of {@code s}, followed by id 0 (the padding symbol, whatever it is) up to {@code length}: an int[length].
     */
    public int[] ids(String s, int length) {
        if (s.length() > length) {
            throw new IllegalArgumentException(
                    "\"" + s + "\" has " + s.length() + " characters, more than the length " + length);
        }
        int[] out = new int[length];
        for (int i = 0; i < s.length(); i++) {
            out[i] = id(s.charAt(i));
        }
        return out;
    }

    /** The symbols of {@code ids}, one character each (padding included). */
    public String text(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.append(symbol(id));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.symbols.equals(symbols);
    }

    @Override
    public int hashCode() {
        return symbols.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary(" + size() + ": \"" + symbols.replace("\n", "\\n") + "\")";
    }
}

package org.sheetlab.data.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The word tokenizer of the text corpus (datasets/text-corpus; sheet: "TF-IDF &amp; Cosine Similarity", "Word2Vec
 * Skip-Gram"). One definition serves the corpus builder, the TF-IDF queries and the analogy filter:
 *
 * <ol>
 *   <li>the text is put in Unicode compatibility decomposition (NFKD) and its combining marks (category Mn) are
 *       dropped, so {@code "café"} becomes {@code "cafe"}; the letters {@code æ œ ß} (either case) become
 *       {@code ae oe ss};</li>
 *   <li>ASCII upper-case letters become lower case;</li>
 *   <li>a token is a maximal run of the characters {@code a–z} and {@code 0–9}; every other character (space,
 *       punctuation, apostrophe, hyphen, any other letter) separates tokens and is dropped.</li>
 * </ol>
 *
 * So {@code "The King's well-known café, 1888."} gives {@code the king s well known cafe 1888}. The normalised form of
 * a text is its tokens joined by single spaces, with no leading or trailing space: the plain form the original
 * word2vec C tool reads. JDK-only, so {@code datasets/text-corpus/fetch.sh} can compile it with {@code javac} before the
 * Maven build.
 */
public final class CorpusTokenizer {
    private CorpusTokenizer() {}

    /** The tokens of {@code text}, in order (see the class comment). */
    public static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        String n = normalize(text);
        if (!n.isEmpty()) {
            int start = 0;
            for (int i = 0; i <= n.length(); i++) {
                if (i == n.length() || n.charAt(i) == ' ') {
                    out.add(n.substring(start, i));
                    start = i + 1;
                }
            }
        }
        return out;
    }

    /** The tokens of {@code text} joined by single spaces; the empty string when it has none. */
    public static String normalize(String text) {
        String d = isPlainAscii(text) ? text : Normalizer.normalize(text, Normalizer.Form.NFKD);
        StringBuilder sb = new StringBuilder(d.length());
        boolean pendingSpace = false;
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            String mapped = null;
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                mapped = null;
            } else if (c == 'æ' || c == 'Æ') {
                mapped = "ae";
            } else if (c == 'œ' || c == 'Œ') {
                mapped = "oe";
            } else if (c == 'ß') {
                mapped = "ss";
            } else if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue; // a dropped accent joins its neighbours: "cafe\u0301s" -> "cafes"
            } else {
                pendingSpace = sb.length() > 0;
                continue;
            }
            if (pendingSpace) {
                sb.append(' ');
                pendingSpace = false;
            }
            if (mapped == null) {
                sb.append(c);
            } else {
                sb.append(mapped);
            }
        }
        return sb.toString();
    }

    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}

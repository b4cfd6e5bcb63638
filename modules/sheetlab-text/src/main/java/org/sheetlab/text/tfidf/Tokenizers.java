package org.sheetlab.text.tfidf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@link TfIdfIndex} splits a text into words.
 *
 * <ul>
 *   <li>{@link #whitespace}: the corpus format (lower-cased tokens separated by spaces); tokens are kept as they are.
 *   <li>{@link #sklearn}: scikit-learn's default analyzer for {@code CountVectorizer}/{@code TfidfVectorizer}:
 *       {@code lowercase=True}, then every match of {@code token_pattern = r"(?u)\b\w\w+\b"} (runs of two or more word
 *       characters; single characters and punctuation are dropped).
 * </ul>
 */
public final class Tokenizers {
    /** Python's {@code (?u)\b\w\w+\b}: Java's \w and \b with Unicode character classes, as Python 3 has them. */
    private static final Pattern SKLEARN_TOKEN = Pattern.compile("\\b\\w\\w+\\b", Pattern.UNICODE_CHARACTER_CLASS);

    private Tokenizers() {}

    /** The words of {@code text} separated by any run of whitespace, unchanged. */
    public static List<String> whitespace(String text) {
        List<String> tokens = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens.add(text.substring(start, i));
            }
        }
        return tokens;
    }

    /** scikit-learn's default analyzer: lower-case, then the matches of {@code (?u)\b\w\w+\b}. */
    public static List<String> sklearn(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = SKLEARN_TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }
}

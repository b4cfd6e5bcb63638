package org.sheetlab.data.text;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sheetlab.data.DatasetException;

/**
 * An analogy test set in the format of Google's {@code questions-words.txt} (sheet: "Embedding Analogy",
 * v(b) − v(a) + v(c) ≈ v(d), e.g. {@code man king woman queen}): a line {@code : category} starts a category, each
 * following line {@code a b c d} is one question. Blank lines are skipped; words are kept as written (the word2vec C
 * tool and gensim compare them case-insensitively; the text corpus's generator writes lower case). Immutable.
 */
public final class AnalogyQuestions {
    /** One question: a is to b as c is to d. */
    public record Question(String a, String b, String c, String d) {
        /** The four words in order. */
        public List<String> words() {
            return List.of(a, b, c, d);
        }
    }

    /** A named category and its questions, in file order. */
    public record Category(String name, List<Question> questions) {
        public Category {
            questions = List.copyOf(questions);
        }
    }

    private final List<Category> categories;

    public AnalogyQuestions(List<Category> categories) {
        this.categories = List.copyOf(categories);
    }

    /**
     * Reads {@code file}.
     *
     * @throws DatasetException naming the file and line of a malformed line (a question before any {@code :
     *     category} line, a line without exactly four words, a category without a name or repeated)
     */
    public static AnalogyQuestions read(Path file) {
        Map<String, List<Question>> byName = new LinkedHashMap<>();
        List<Question> current = null;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty()) {
                    continue;
                }
                if (t.startsWith(":")) {
                    String name = t.substring(1).strip();
                    if (name.isEmpty() || name.contains(" ")) {
                        throw malformed(file, lineNo, line, "a category line is ': name' (one word)");
                    }
                    if (byName.containsKey(name)) {
                        throw malformed(file, lineNo, line, "category '" + name + "' appears twice");
                    }
                    current = new ArrayList<>();
                    byName.put(name, current);
                    continue;
                }
                String[] w = t.split("\\s+");
                if (w.length != 4) {
                    throw malformed(file, lineNo, line, "a question has 4 words 'a b c d', this line has " + w.length);
                }
                if (current == null) {
                    throw malformed(file, lineNo, line, "a question before the first ': category' line");
                }
                current.add(new Question(w[0], w[1], w[2], w[3]));
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read analogy questions " + file + ": " + e.getMessage(), e);
        }
        List<Category> cats = new ArrayList<>();
        byName.forEach((name, qs) -> cats.add(new Category(name, qs)));
        return new AnalogyQuestions(cats);
    }

    private static DatasetException malformed(Path file, int lineNo, String line, String what) {
        return new DatasetException(file + " line " + lineNo + ": " + what + ": '" + line
                + "'. Expected Google's questions-words.txt format (': category' lines, then 'a b c d' lines)");
    }

    /** Writes the questions in the same format, atomically (a temporary file moved into place). */
    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Category c : categories) {
                    w.write(": " + c.name() + "\n");
                    for (Question q : c.questions()) {
                        w.write(q.a() + " " + q.b() + " " + q.c() + " " + q.d() + "\n");
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DatasetException("cannot write analogy questions " + file + ": " + e.getMessage(), e);
        }
    }

    /** The categories in file order. */
    public List<Category> categories() {
        return categories;
    }

    /** The category called {@code name}. */
    public Category category(String name) {
        return categories.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no analogy category '" + name + "'; the categories: "
                        + categories.stream().map(Category::name).toList()));
    }

    /** The number of questions over all categories. */
    public int size() {
        return categories.stream().mapToInt(c -> c.questions().size()).sum();
    }
}

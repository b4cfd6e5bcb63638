package org.sheetlab.data.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Readers for the Debian text packages the corpus is built from; each returns raw documents (one string per dictionary
 * entry, gloss, fortune, chapter or paragraph) in a fixed order, for {@link CorpusTokenizer} to normalise. Every
 * reader is deterministic: files are read in sorted order. JDK-only, so {@code datasets/text-corpus/fetch.sh} can
 * compile it with {@code javac} before the Maven build.
 */
public final class CorpusSources {
    private CorpusSources() {}

    private static final String DICTD_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** A dictd base-64 number ({@code dictd}'s index encoding: digits A–Z a–z 0–9 + /, most significant first). */
    static long dictdNumber(String s) {
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = DICTD_DIGITS.indexOf(s.charAt(i));
            if (d < 0) {
                throw new IllegalArgumentException("'" + s + "' is not a dictd base-64 number");
            }
            v = v * 64 + d;
        }
        return v;
    }

    /**
     * The entries of a dictd database ({@code name.index}: {@code headword TAB offset TAB length}, base 64;
     * {@code name.dict.dz} or {@code name.dict}: the entries' text, dictzip being gzip): each distinct (offset,
     * length) once, in offset order, without the {@code 00-database-*} style header entries (headwords starting with
     * {@code 00-} or {@code 00database}).
     */
    public static List<String> dictdEntries(Path index, Path dict) throws IOException {
        byte[] text;
        try (InputStream in = dict.toString().endsWith(".dz") || dict.toString().endsWith(".gz")
                ? new GZIPInputStream(Files.newInputStream(dict), 1 << 16)
                : Files.newInputStream(dict)) {
            text = in.readAllBytes();
        }
        TreeMap<Long, Long> spans = new TreeMap<>();
        List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length < 3) {
                throw new IOException(index + " line " + (i + 1) + " is not 'headword TAB offset TAB length'");
            }
            if (f[0].startsWith("00-") || f[0].startsWith("00database")) {
                continue;
            }
            long off = dictdNumber(f[1]);
            long len = dictdNumber(f[2]);
            if (off + len > text.length) {
                throw new IOException(index + " line " + (i + 1) + " points past the end of " + dict);
            }
            spans.merge(off, len, Math::max);
        }
        List<String> out = new ArrayList<>(spans.size());
        spans.forEach(
                (off, len) -> out.add(new String(text, (int) (long) off, (int) (long) len, StandardCharsets.UTF_8)));
        return out;
    }

    private static final Pattern GCIDE_ACCENT =
            Pattern.compile("\\[(?:[=`'^\"~.,]([A-Za-z]{1,2})|([A-Za-z]{1,2})[=`'^\"~.,]|(ae|AE|oe|OE))\\]");
    private static final Pattern PRONUNCIATION = Pattern.compile("\\\\[^\\\\\n]*\\\\(\\s*,?\\s*\\([^()\n]*\\))?");
    private static final Pattern TRAILING_HEADWORD = Pattern.compile("(\\])[ \t]+[^\\[\\]\n]*\\s*$");
    private static final Pattern BRACKETS = Pattern.compile("\\[[^\\[\\]]*\\]");

    /**
     * A GCIDE entry as prose: accent codes such as {@code [a^]}, {@code [=e]} become their letters; removed are the
     * pronunciations between backslashes ({@code \An"cho*rage\}) with the respelling in parentheses that may follow
     * ({@code (k[i^]ng)}), every bracketed group (etymologies, inflection notes, the source tags {@code [1913
     * Webster]}, {@code [WordNet 1.5]}), and the next entry's headword that the dictd conversion leaves after the
     * last source tag of some entries ({@code [1913 Webster] Anchoret}).
     */
    public static String cleanGcide(String entry) {
        entry = TRAILING_HEADWORD.matcher(entry).replaceFirst("$1");
        Matcher m = GCIDE_ACCENT.matcher(entry);
        StringBuilder sb = new StringBuilder(entry.length());
        while (m.find()) {
            String letters = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            m.appendReplacement(sb, Matcher.quoteReplacement(letters));
        }
        m.appendTail(sb);
        String s = PRONUNCIATION.matcher(sb).replaceAll(" ");
        String prev;
        do {
            prev = s;
            s = BRACKETS.matcher(s).replaceAll(" ");
        } while (!s.equals(prev));
        return s;
    }

    /**
     * The glosses of WordNet's {@code data.noun}, {@code data.verb}, {@code data.adj} and {@code data.adv} in
     * {@code dir} (the text after {@code " | "} on each synset line; the licence header lines, which start with two
     * spaces, skipped), in that file order.
     */
    public static List<String> wordnetGlosses(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String f : List.of("data.noun", "data.verb", "data.adj", "data.adv")) {
            for (String line : Files.readAllLines(dir.resolve(f), StandardCharsets.UTF_8)) {
                int bar = line.indexOf(" | ");
                if (!line.startsWith("  ") && bar >= 0) {
                    out.add(line.substring(bar + 3));
                }
            }
        }
        return out;
    }

    /**
     * The fortunes of every fortune file in {@code dir} (plain files whose names have no dot, so not the
     * {@code .dat} indexes and {@code .u8} links; name order), each the text between {@code %} lines.
     */
    public static List<String> fortunes(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : sortedFiles(dir, p -> !p.getFileName().toString().contains("."))) {
            StringBuilder cur = new StringBuilder();
            for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                if (line.equals("%")) {
                    out.add(cur.toString());
                    cur.setLength(0);
                } else {
                    cur.append(line).append('\n');
                }
            }
            out.add(cur.toString());
        }
        return out;
    }

    private static final Pattern CHAPTER_HEADING = Pattern.compile("^\\S.* \\d+$");
    private static final Pattern VERSE_NUMBER = Pattern.compile("^\\s+\\d+\\s");

    /**
     * The chapters of the King James Bible as printed by Debian's {@code bible} program ({@code bible
     * gen1:1-rev22:21}): a heading line such as {@code Genesis 1} at column 0 starts a chapter, verse lines start with
     * their indented number, which is removed.
     */
    public static List<String> kjvChapters(Path printed) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : Files.readAllLines(printed, StandardCharsets.UTF_8)) {
            if (CHAPTER_HEADING.matcher(line).matches()) {
                if (cur != null) {
                    out.add(cur.toString());
                }
                cur = new StringBuilder();
            } else if (cur != null) {
                cur.append(VERSE_NUMBER.matcher(line).replaceFirst(" ")).append('\n');
            }
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }

    private static final Pattern RST_ROLE = Pattern.compile(":[a-z]+(?::[a-z]+)*:(?=`)");
    private static final Pattern RST_CODE_DIRECTIVE = Pattern.compile(
            "\\.\\. (code-block|code|sourcecode|doctest|testcode|testsetup|testcleanup|testoutput|productionlist"
                    + "|literalinclude|highlight)::.*");

    /**
     * The prose paragraphs of the reStructuredText files ({@code *.txt}, Sphinx's {@code _sources}) under
     * {@code dir}, in path order. Skipped: paragraphs starting with {@code ..} (directives, comments), tables
     * ({@code +} or {@code |}), doctests ({@code >>>}), and code: the paragraphs indented deeper than a paragraph that
     * ends in {@code ::} or is a code directive. Roles such as {@code :func:} are dropped, their text kept.
     */
    public static List<String> rstParagraphs(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : sortedFiles(dir, p -> p.getFileName().toString().endsWith(".txt"))) {
            int codeAbove = Integer.MAX_VALUE; // paragraphs indented deeper than this are a literal block
            for (List<String> para : paragraphs(Files.readAllLines(f, StandardCharsets.UTF_8))) {
                String first = para.get(0);
                int indent = indent(first);
                String t = first.strip();
                if (indent > codeAbove) {
                    continue;
                }
                codeAbove = Integer.MAX_VALUE;
                if (RST_CODE_DIRECTIVE.matcher(t).matches()) {
                    codeAbove = indent;
                    continue;
                }
                if (t.startsWith("..") || t.startsWith("+") || t.startsWith("|") || t.startsWith(">>>")) {
                    continue;
                }
                String text = String.join("\n", para);
                if (text.stripTrailing().endsWith("::")) {
                    codeAbove = indent;
                }
                out.add(RST_ROLE.matcher(text).replaceAll(""));
            }
        }
        return out;
    }

    private static final Pattern POD_CODE = Pattern.compile("[XZ]<[^<>]*>|E<[^<>]*>");
    private static final Pattern POD_FORMAT = Pattern.compile("\\b[BCFILS]<+ ?");

    /**
     * The prose paragraphs of the Perl documentation ({@code *.pod} in {@code dir}, name order): verbatim (indented)
     * paragraphs, which are code, and {@code =begin … =end} blocks skipped; {@code =head}/{@code =item} keep their
     * text, other commands are dropped; formatting codes keep their text ({@code C<print>} gives {@code print}), the
     * index and escape codes {@code X<>}, {@code Z<>}, {@code E<>} are removed.
     */
    public static List<String> podParagraphs(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : sortedFiles(dir, p -> p.getFileName().toString().endsWith(".pod"))) {
            boolean inBegin = false;
            for (List<String> para : paragraphs(Files.readAllLines(f, StandardCharsets.UTF_8))) {
                String first = para.get(0);
                if (inBegin) {
                    inBegin = !first.startsWith("=end");
                    continue;
                }
                if (first.startsWith("=begin")) {
                    inBegin = true;
                    continue;
                }
                if (Character.isWhitespace(first.charAt(0))) {
                    continue;
                }
                String text = String.join("\n", para);
                if (first.startsWith("=")) {
                    if (!first.startsWith("=head") && !first.startsWith("=item")) {
                        continue;
                    }
                    text = text.replaceFirst("^=\\w+\\s*", "");
                }
                text = POD_CODE.matcher(text).replaceAll(" ");
                out.add(POD_FORMAT.matcher(text).replaceAll("").replace(">", " "));
            }
        }
        return out;
    }

    private static final java.util.Set<String> MAN_BREAKS = java.util.Set.of(
            "SH", "SS", "PP", "P", "LP", "TP", "TQ", "IP", "HP", "sp", "RS", "RE", "TH", "in", "ti", "bp", "YS", "SY",
            "UR", "UE", "MT", "ME");
    private static final java.util.Set<String> MAN_FONTS =
            java.util.Set.of("B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB");
    private static final Pattern MAN_ESCAPE = Pattern.compile(
            "\\\\f(?:\\[[^\\]]*\\]|\\(..|.)|\\\\[*n](?:\\[[^\\]]*\\]|\\(..|.)|\\\\s[-+]?\\d+|\\\\\\(..|\\\\\\[[^\\]]*\\]"
                    + "|\\\\.");

    /**
     * The prose paragraphs of man pages (groff {@code man} macros, gzip-compressed), {@code list}: a file naming one
     * page per line (the builder is given Debian's manpages and manpages-dev, listed with {@code dpkg -L}). Comments,
     * {@code .EX}/{@code .EE} and {@code .nf}/{@code .fi} blocks (examples, synopses) and section headings are
     * skipped; the paragraph macros ({@code .PP}, {@code .TP}, {@code .IP}, {@code .SH}, ...) end a paragraph; the
     * font macros ({@code .B}, {@code .BR}, ...) keep their arguments; escapes ({@code \fB}, {@code \(em}, {@code
     * \-}, ...) become a space. A page that is only a {@code .so} link gives nothing.
     */
    public static List<String> manParagraphs(Path list) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> pages = new ArrayList<>();
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                pages.add(line.strip());
            }
        }
        java.util.Collections.sort(pages);
        for (String page : pages) {
            Path p = Path.of(page);
            if (!Files.isRegularFile(p) || Files.isSymbolicLink(p)) {
                continue;
            }
            byte[] bytes;
            try (InputStream in =
                    page.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p)) : Files.newInputStream(p)) {
                bytes = in.readAllBytes();
            }
            StringBuilder cur = new StringBuilder();
            boolean code = false;
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(".") || line.startsWith("'")) {
                    String req = line.substring(1).strip();
                    int sp = req.indexOf(' ');
                    String name = sp < 0 ? req : req.substring(0, sp);
                    String args = sp < 0 ? "" : req.substring(sp + 1);
                    if (name.startsWith("\\\"")) {
                        continue;
                    }
                    if (name.equals("EX") || name.equals("nf")) {
                        flush(out, cur);
                        code = true;
                    } else if (name.equals("EE") || name.equals("fi")) {
                        code = false;
                    } else if (!code && MAN_BREAKS.contains(name)) {
                        flush(out, cur);
                    } else if (!code && MAN_FONTS.contains(name)) {
                        cur.append(unescapeMan(args.replace("\"", " "))).append('\n');
                    }
                } else if (!code) {
                    if (line.isBlank()) {
                        flush(out, cur);
                    } else {
                        cur.append(unescapeMan(line)).append('\n');
                    }
                }
            }
            flush(out, cur);
        }
        return out;
    }

    private static void flush(List<String> out, StringBuilder cur) {
        if (!cur.toString().isBlank()) {
            out.add(cur.toString());
        }
        cur.setLength(0);
    }

    /** A groff text line without its comment ({@code \"}) and with every escape replaced by a space. */
    static String unescapeMan(String line) {
        int comment = line.indexOf("\\\"");
        String s = comment >= 0 ? line.substring(0, comment) : line;
        return MAN_ESCAPE
                .matcher(s.replace("\\-", "-").replace("\\&", "").replace("\\%", ""))
                .replaceAll(" ");
    }

    /** The blank-line separated blocks of {@code lines} (each a list of its lines, none blank). */
    static List<List<String>> paragraphs(List<String> lines) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                if (!cur.isEmpty()) {
                    out.add(cur);
                    cur = new ArrayList<>();
                }
            } else {
                cur.add(line);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static List<Path> sortedFiles(Path dir, java.util.function.Predicate<Path> keep) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !Files.isSymbolicLink(p))
                    .filter(keep)
                    .sorted()
                    .toList();
        }
    }
}

package org.sheetlab.data.text;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Builds the text corpus folder from Debian text packages (run by {@code datasets/text-corpus/fetch.sh}):
 *
 * <pre>
 * java org.sheetlab.data.text.CorpusBuilder OUT_DIR [--seed N] [--min-tokens N] [--note key=value]...
 *      --source NAME:KIND:PATH ...
 * </pre>
 *
 * KIND is {@code gcide} or {@code dictd} (PATH: the database without {@code .index}/{@code .dict.dz}),
 * {@code wordnet} (the folder of {@code data.*}), {@code fortunes} (a folder), {@code kjv} (the {@code bible}
 * program's output), {@code rst} (a Sphinx {@code _sources} folder), {@code pod} (a folder of {@code .pod} files) or
 * {@code man} (a file listing gzip-compressed man pages);
 * see {@link CorpusSources}. The documents of all sources, in argument order, are normalised by
 * {@link CorpusTokenizer}; empty ones and exact repeats of an earlier document are dropped; the rest are shuffled with
 * {@code java.util.Random(seed)} (so that a trainer reading the file in order sees the sources mixed, not GCIDE's
 * A-to-Z first) and written by {@link CorpusWriter}. The same packages and arguments give the same bytes.
 */
public final class CorpusBuilder {
    private CorpusBuilder() {}

    private record Doc(String source, String text) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].startsWith("-")) {
            usage("the output folder comes first");
        }
        Path out = Paths.get(args[0]);
        long seed = 19;
        long minTokens = 0;
        List<String[]> notes = new ArrayList<>();
        List<String[]> sources = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--seed" -> seed = Long.parseLong(v);
                case "--min-tokens" -> minTokens = Long.parseLong(v);
                case "--note" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        usage("--note takes key=value, got " + v);
                    }
                    notes.add(new String[] {v.substring(0, eq), v.substring(eq + 1)});
                }
                case "--source" -> {
                    String[] s = v.split(":", 3);
                    if (s.length != 3) {
                        usage("--source takes NAME:KIND:PATH, got " + v);
                    }
                    sources.add(s);
                }
                default -> usage("unknown option " + a);
            }
        }
        if (sources.isEmpty()) {
            usage("no --source given");
        }
        long t0 = System.nanoTime();
        List<Doc> docs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> sourceNotes = new ArrayList<>();
        for (String[] s : sources) {
            List<String> raw = read(s[1], Paths.get(s[2]));
            int kept = 0;
            int repeated = 0;
            for (String r : raw) {
                String n = CorpusTokenizer.normalize(r);
                if (n.isEmpty()) {
                    continue;
                }
                if (!seen.add(n)) {
                    repeated++;
                    continue;
                }
                docs.add(new Doc(s[0], n));
                kept++;
            }
            // no path in the manifest: fetch.sh reads some sources from a temporary folder, and the manifest must
            // not change from run to run
            sourceNotes.add(
                    s[0] + " " + s[1] + " read " + raw.size() + " kept " + kept + " repeats-dropped " + repeated);
            System.out.printf(
                    "  %-12s %8d documents read, %8d kept, %6d repeats dropped (%s)%n",
                    s[0], raw.size(), kept, repeated, s[2]);
        }
        seen = null;
        Collections.shuffle(docs, new Random(seed));
        CorpusWriter.Summary summary;
        try (CorpusWriter w = new CorpusWriter(out)) {
            w.note("seed", Long.toString(seed));
            for (int i = 0; i < sourceNotes.size(); i++) {
                w.note("input." + (i + 1), sourceNotes.get(i));
            }
            for (String[] n : notes) {
                w.note(n[0], n[1]);
            }
            for (Doc d : docs) {
                w.add(d.source(), d.text());
            }
            summary = w.finish();
        }
        System.out.printf(
                "text corpus in %s: %,d documents, %,d tokens, %,d distinct, %,d bytes, sha256 %s (%.1f s)%n",
                out,
                summary.documents(),
                summary.tokens(),
                summary.vocabulary(),
                summary.bytes(),
                summary.sha256(),
                (System.nanoTime() - t0) / 1e9);
        if (summary.tokens() < minTokens) {
            System.err.printf(
                    "CorpusBuilder: only %,d tokens, fewer than the %,d required%n", summary.tokens(), minTokens);
            System.exit(3);
        }
    }

    static List<String> read(String kind, Path path) throws IOException {
        return switch (kind) {
            case "gcide" ->
                CorpusSources.dictdEntries(dictdIndex(path), dictdText(path)).stream()
                        .map(CorpusSources::cleanGcide)
                        .toList();
            case "dictd" -> CorpusSources.dictdEntries(dictdIndex(path), dictdText(path));
            case "wordnet" -> CorpusSources.wordnetGlosses(path);
            case "fortunes" -> CorpusSources.fortunes(path);
            case "kjv" -> CorpusSources.kjvChapters(path);
            case "rst" -> CorpusSources.rstParagraphs(path);
            case "pod" -> CorpusSources.podParagraphs(path);
            case "man" -> CorpusSources.manParagraphs(path);
            default ->
                throw new IllegalArgumentException(
                        "unknown source kind '" + kind + "' (gcide, dictd, wordnet, fortunes, kjv, rst, pod, man)");
        };
    }

    private static Path dictdIndex(Path base) {
        return Paths.get(base + ".index");
    }

    private static Path dictdText(Path base) {
        Path dz = Paths.get(base + ".dict.dz");
        return java.nio.file.Files.isRegularFile(dz) ? dz : Paths.get(base + ".dict");
    }

    private static void usage(String problem) {
        System.err.println(
                "CorpusBuilder: " + problem + "\nusage: CorpusBuilder OUT_DIR [--seed N] [--min-tokens N]"
                        + " [--note key=value]... --source NAME:KIND:PATH ...   (KIND: gcide dictd wordnet fortunes kjv rst pod man)");
        System.exit(2);
    }
}

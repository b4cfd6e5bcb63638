package org.sheetlab.data.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each package reader on small files in that package's format, written here. */
class CorpusSourcesTest {
    @TempDir
    Path dir;

    private static String b64(long v) {
        String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder();
        do {
            sb.insert(0, digits.charAt((int) (v % 64)));
            v /= 64;
        } while (v > 0);
        return sb.toString();
    }

    private void gzip(Path p, String text) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void dictdNumbersAreBase64MostSignificantFirst() {
        assertThat(CorpusSources.dictdNumber("A")).isZero();
        assertThat(CorpusSources.dictdNumber("/")).isEqualTo(63);
        assertThat(CorpusSources.dictdNumber("BA")).isEqualTo(64);
        assertThat(CorpusSources.dictdNumber("5I")).isEqualTo(57 * 64 + 8);
    }

    @Test
    void dictdEntriesFollowTheIndexOncePerSpanWithoutHeaders() throws Exception {
        String header = "00-database-short\n   A test dictionary\n\n";
        String cat = "Cat \\Cat\\, n.\n   A small animal.\n   [1913 Webster]\n\n";
        String dog = "Dog \\Dog\\, n.\n   A loyal animal.\n   [1913 Webster]\n";
        gzip(dir.resolve("t.dict.dz"), header + cat + dog);
        int c = header.length();
        int d = c + cat.length();
        Files.writeString(
                dir.resolve("t.index"),
                "00-database-short\tA\t" + b64(header.length()) + "\n"
                        + "dog\t" + b64(d) + "\t" + b64(dog.length()) + "\n"
                        + "cat\t" + b64(c) + "\t" + b64(cat.length()) + "\n"
                        + "kitty\t" + b64(c) + "\t" + b64(cat.length()) + "\n");
        List<String> entries = CorpusSources.dictdEntries(dir.resolve("t.index"), dir.resolve("t.dict.dz"));
        assertThat(entries).containsExactly(cat, dog); // offset order, the shared span once, no header
    }

    @Test
    void gcideEntriesLoseMarkupButKeepTheirProse() {
        String entry = "Abbey \\Ab\"bey\\ ([a^]b\"b[y^]), n.; pl. {Abbeys}. [OF.\n   abeie, F. abbaye.]\n"
                + "   1. A monastery; a caf[`e] for monks.\n   [1913 Webster] Abbeystead\n";
        assertThat(CorpusTokenizer.normalize(CorpusSources.cleanGcide(entry)))
                .isEqualTo("abbey n pl abbeys 1 a monastery a cafe for monks");
    }

    @Test
    void wordnetGlossesInFileOrder() throws Exception {
        String header = "  1 This software and database is being provided to you, the LICENSEE, by  \n";
        Files.writeString(dir.resolve("data.noun"), header + "00001740 03 n 01 entity 0 000 | that which exists  \n");
        Files.writeString(dir.resolve("data.verb"), "01 29 v 01 breathe 0 000 | draw air  \n");
        Files.writeString(dir.resolve("data.adj"), "00001 00 a 01 able 0 000 | having the means  \n");
        Files.writeString(dir.resolve("data.adv"), "00002 02 r 01 slowly 0 000 | without speed  \n");
        assertThat(CorpusSources.wordnetGlosses(dir))
                .containsExactly("that which exists  ", "draw air  ", "having the means  ", "without speed  ");
    }

    @Test
    void fortunesAreSplitAtPercentLinesAndIndexesAreSkipped() throws Exception {
        Files.writeString(dir.resolve("b"), "Second file.\n");
        Files.writeString(dir.resolve("a"), "One.\n%\nTwo\n\t-- Someone\n%\n");
        Files.write(dir.resolve("a.dat"), new byte[] {1, 2, 3});
        assertThat(CorpusSources.fortunes(dir)).containsExactly("One.\n", "Two\n\t-- Someone\n", "", "Second file.\n");
    }

    @Test
    void kjvChaptersWithoutVerseNumbers() throws Exception {
        Path p = dir.resolve("kjv.txt");
        Files.writeString(
                p,
                "\nGenesis 1\n\n  1 In the beginning God created the heaven and the earth.\n"
                        + "  2 And the earth was without form, and void; and darkness was upon the face of\nthe deep.\n\n"
                        + "1 John 2\n\n  1 My little children.\n");
        List<String> ch = CorpusSources.kjvChapters(p);
        assertThat(ch).hasSize(2);
        assertThat(CorpusTokenizer.normalize(ch.get(0)))
                .isEqualTo("in the beginning god created the heaven and the "
                        + "earth and the earth was without form and void and darkness was upon the face of the deep");
        assertThat(CorpusTokenizer.normalize(ch.get(1))).isEqualTo("my little children");
    }

    @Test
    void rstKeepsProseAndDropsCodeDirectivesAndTables() throws Exception {
        Files.writeString(
                dir.resolve("f.rst.txt"),
                ".. _label:\n\nTitle\n=====\n\nUse :func:`len` like this::\n\n"
                        + "   len(x)\n\n   more code\n\nBack to prose.\n\n.. function:: abs(x)\n\n   Return the absolute value.\n\n"
                        + ".. code-block:: python\n\n   print(1)\n\n+---+\n| a |\n+---+\n\n>>> 1 + 1\n2\n");
        assertThat(CorpusSources.rstParagraphs(dir).stream().map(CorpusTokenizer::normalize))
                .containsExactly("title", "use len like this", "back to prose", "return the absolute value");
    }

    @Test
    void podKeepsProseHeadingsAndCodeTextButNotVerbatimBlocks() throws Exception {
        Files.writeString(
                dir.resolve("perlx.pod"),
                "=head1 NAME\n\nperlx - an example\n\n=over 4\n\n"
                        + "=item Use C<print> and L<perlfunc|perlfunc/print>X<print>E<gt>\n\n    print \"hi\\n\";\n\n"
                        + "=back\n\n=begin html\n\n<p>skip</p>\n\n=end html\n\nThe I<end>.\n\n=cut\n");
        assertThat(CorpusSources.podParagraphs(dir).stream().map(CorpusTokenizer::normalize))
                .containsExactly("name", "perlx an example", "use print and perlfunc perlfunc print", "the end");
    }

    @Test
    void manPagesKeepTextAndFontMacrosButNotExamplesOrEscapes() throws Exception {
        Path page = dir.resolve("ls.1.gz");
        gzip(
                page,
                ".\\\" a comment\n.TH LS 1\n.SH NAME\nls \\- list directory contents\n.SH DESCRIPTION\n"
                        + "List information about the\n.I FILEs\n(the current directory by default).\n.PP\n"
                        + "Sort entries \\fBalphabetically\\fR\\(emif none.\\\" trailing comment\n.EX\n$ ls \\-l\n.EE\n"
                        + ".TP\n.BR \\-a \", \" \\-\\-all\ndo not ignore entries\n");
        Path link = dir.resolve("so.3.gz");
        gzip(link, ".so man3/other.3\n");
        Path list = dir.resolve("pages.txt");
        Files.writeString(list, page + "\n" + link + "\n");
        assertThat(CorpusSources.manParagraphs(list).stream().map(CorpusTokenizer::normalize))
                .containsExactly(
                        "ls list directory contents",
                        "list information about the files the current directory by default",
                        "sort entries alphabetically if none",
                        "a all do not ignore entries");
    }
}

package org.sheetlab.data.wordnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.text.AnalogyQuestions;
import org.sheetlab.data.wordnet.AnalogySetGenerator.Pair;

/** The generator and the WordNet relations it reads, on a small database in WordNet's format written here. */
class AnalogySetGeneratorTest {
    @TempDir
    Path dir;

    WordNetRelations wn;

    private static String synset(int offset, char type, String words, String pointers) {
        String[] w = words.split(" ");
        StringBuilder sb = new StringBuilder(String.format("%08d 03 %c %02x", offset, type, w.length));
        for (String x : w) {
            sb.append(' ').append(x).append(" 0");
        }
        String[] p = pointers.isEmpty() ? new String[0] : pointers.split(";");
        sb.append(String.format(" %03d", p.length));
        for (String x : p) {
            sb.append(' ').append(x.strip());
        }
        return sb.append(" | a gloss  \n").toString();
    }

    @BeforeEach
    void database() throws Exception {
        String header = "  1 This software and database is being provided to you, the LICENSEE, by  \n";
        Files.writeString(
                dir.resolve("data.noun"),
                header
                        + synset(100, 'n', "national_capital", "")
                        + synset(200, 'n', "European_country", "")
                        + synset(300, 'n', "France", "@i 00000200 n 0000")
                        + synset(400, 'n', "Paris City_of_Light", "@i 00000100 n 0000;#p 00000300 n 0000")
                        + synset(500, 'n', "Ottawa", "@i 00000100 n 0000;#p 00000600 n 0000")
                        + synset(600, 'n', "Ontario", "@i 00000700 n 0000")
                        + synset(700, 'n', "province", "")
                        + synset(800, 'n', "Rome", "@i 00000100 n 0000;#p 00000900 n 0000")
                        + synset(900, 'n', "Italy", "@i 00000200 n 0000")
                        + synset(1000, 'n', "mouse", "")
                        + synset(1100, 'n', "child kid", "")
                        + synset(1200, 'n', "cat", "")
                        + synset(1300, 'n', "walk", "")
                        + synset(1400, 'n', "http", "")
                        + synset(1500, 'n', "number", ""));
        Files.writeString(
                dir.resolve("data.verb"),
                synset(100, 'v', "go", "")
                        + synset(200, 'v', "begin", "")
                        + synset(300, 'v', "tell", "")
                        + synset(400, 'v', "eat", "")
                        + synset(500, 'v', "walk", "")
                        + synset(600, 'v', "be", ""));
        Files.writeString(
                dir.resolve("data.adj"),
                synset(100, 'a', "good", "! 00000200 a 0101")
                        + synset(200, 'a', "bad", "! 00000100 a 0101")
                        + synset(300, 'a', "big(a) large", "! 00000400 a 0101")
                        + synset(400, 'a', "small", "! 00000300 a 0101")
                        + synset(500, 'a', "tall", "")
                        + synset(600, 'a', "numb", "")
                        + synset(700, 'a', "mad", ""));
        Files.writeString(dir.resolve("data.adv"), synset(100, 'r', "slowly", ""));
        Files.writeString(dir.resolve("noun.exc"), "mice mouse\nchildren child\naardwolves aardwolf\n");
        Files.writeString(
                dir.resolve("verb.exc"),
                "went go\ngone go\nbegan begin\nbegun begin\ntold tell\n"
                        + "ate eat\neaten eat\ngoing go\ngoes go\nwas be\nwere be\nbeen be\n");
        Files.writeString(
                dir.resolve("adj.exc"),
                "better good well\nbest good well\nworse bad\nworst bad\n" + "bigger big\nbiggest big\nmadder mad\n");
        Files.writeString(
                dir.resolve("data.noun"), Files.readString(dir.resolve("data.noun")) + synset(1600, 'n', "madder", ""));
        wn = WordNetRelations.load(dir);
    }

    @Test
    void relationsReadFromPointersAndExceptionLists() {
        assertThat(wn.capitals("national_capital", Set.of("country")))
                .containsExactly(new String[] {"paris", "france"}, new String[] {"rome", "italy"});
        assertThat(wn.adjectiveAntonyms()).containsExactly(new String[] {"good", "bad"}, new String[] {"big", "small"});
        assertThat(wn.exceptions('a')).containsEntry("better", List.of("good", "well"));
        assertThat(wn.isLemma('a', "big")).isTrue(); // the marker (a) is removed
        assertThat(wn.isLemma('n', "city_of_light")).isTrue();
        assertThat(wn.isLemma("walk")).isTrue();
        assertThat(wn.isLemma("walked")).isFalse();
    }

    @Test
    void withoutACorpusOnlyWordNetsOwnFormsInItsOrder() {
        AnalogyQuestions q = new AnalogySetGenerator(wn, null, 1, 40).generate();
        assertThat(q.categories())
                .extracting(AnalogyQuestions.Category::name)
                .containsExactly(
                        "capital-world",
                        "gram2-opposite",
                        "gram3-comparative",
                        "gram4-superlative",
                        "gram7-past-tense",
                        "gram8-plural");
        assertThat(pairs(q, "capital-world")).containsExactly(new Pair("paris", "france"), new Pair("rome", "italy"));
        assertThat(pairs(q, "gram2-opposite")).containsExactly(new Pair("good", "bad"), new Pair("big", "small"));
        // madder is a noun lemma (the plant) and no adjective lemma: left out
        assertThat(pairs(q, "gram3-comparative"))
                .containsExactly(new Pair("good", "better"), new Pair("bad", "worse"), new Pair("big", "bigger"));
        assertThat(pairs(q, "gram4-superlative"))
                .containsExactly(new Pair("good", "best"), new Pair("bad", "worst"), new Pair("big", "biggest"));
        // the -ing and -s forms set aside; went/gone, ate/eaten by the n ending, began/begun by a/u; be (3 forms)
        // skipped
        assertThat(pairs(q, "gram7-past-tense"))
                .containsExactly(
                        new Pair("go", "went"),
                        new Pair("begin", "began"),
                        new Pair("tell", "told"),
                        new Pair("eat", "ate"));
        // aardwolf is no noun lemma here
        assertThat(pairs(q, "gram8-plural")).containsExactly(new Pair("mouse", "mice"), new Pair("child", "children"));
        assertThat(q.category("gram7-past-tense").questions()).hasSize(4 * 3);
        assertThat(q.category("gram7-past-tense").questions().get(0))
                .isEqualTo(new AnalogyQuestions.Question("go", "went", "begin", "began"));
    }

    @Test
    void withACorpusRegularFormsMustBeAttestedAndNoLemmaAndPairsAreRankedByCount() {
        Map<String, Long> counts = new HashMap<>();
        for (String w : List.of(
                "mouse",
                "mice",
                "child",
                "children",
                "cat",
                "cats",
                "walk",
                "walks",
                "walked",
                "http",
                "https",
                "tall",
                "taller",
                "tallest",
                "numb",
                "number",
                "good",
                "better",
                "bad",
                "worse",
                "go",
                "went",
                "tell",
                "told",
                "paris",
                "france",
                "rome",
                "italy")) {
            counts.put(w, 10L);
        }
        counts.put("child", 50L);
        counts.put("children", 40L);
        counts.put("mice", 3L); // below the minimum count
        AnalogyQuestions q = new AnalogySetGenerator(wn, counts, 5, 40).generate();
        // walk is also a verb (walks would be counted as the verb's -s form); http has no vowel
        assertThat(pairs(q, "gram8-plural")).containsExactly(new Pair("child", "children"), new Pair("cat", "cats"));
        // number is a lemma itself, so not numb + er
        assertThat(pairs(q, "gram3-comparative"))
                .containsExactly(new Pair("bad", "worse"), new Pair("good", "better"), new Pair("tall", "taller"));
        assertThat(pairs(q, "gram7-past-tense"))
                .containsExactly(new Pair("go", "went"), new Pair("tell", "told"), new Pair("walk", "walked"));
        // gram4 has one attested pair (tall/tallest), so it is left out
        assertThat(q.categories()).extracting(AnalogyQuestions.Category::name).doesNotContain("gram4-superlative");
    }

    @Test
    void maxPairsAndNoWordTwiceOnOneSide() {
        AnalogySetGenerator g = new AnalogySetGenerator(wn, null, 1, 2);
        assertThat(g.select(List.of(
                        new Pair("good", "better"),
                        new Pair("well", "better"),
                        new Pair("bad", "worse"),
                        new Pair("big", "bigger"))))
                .containsExactly(new Pair("good", "better"), new Pair("bad", "worse"));
        assertThat(g.select(List.of(
                        new Pair("new", "new"), new Pair("new_york", "x"), new Pair("a", "b"), new Pair("c", "d"))))
                .containsExactly(new Pair("a", "b"), new Pair("c", "d"));
    }

    @Test
    void thePastTenseAmongTwoForms() {
        assertThat(AnalogySetGenerator.pastOf(List.of("told"))).isEqualTo("told");
        assertThat(AnalogySetGenerator.pastOf(List.of("gone", "went"))).isEqualTo("went");
        assertThat(AnalogySetGenerator.pastOf(List.of("sung", "sang"))).isEqualTo("sang");
        assertThat(AnalogySetGenerator.pastOf(List.of("dreamt", "dreamed"))).isNull();
        assertThat(AnalogySetGenerator.pastOf(List.of("was", "were", "been"))).isNull();
    }

    @Test
    void theWrittenFileReadsBack() throws Exception {
        AnalogyQuestions q = new AnalogySetGenerator(wn, null, 1, 40).generate();
        Path f = dir.resolve("out/questions-words.txt");
        q.write(f);
        AnalogyQuestions back = AnalogyQuestions.read(f);
        assertThat(back.categories()).isEqualTo(q.categories());
        assertThat(back.size()).isEqualTo(2 + 2 + 6 + 6 + 12 + 2);
    }

    private static List<Pair> pairs(AnalogyQuestions q, String category) {
        return q.category(category).questions().stream()
                .map(x -> new Pair(x.a(), x.b()))
                .distinct()
                .toList();
    }
}

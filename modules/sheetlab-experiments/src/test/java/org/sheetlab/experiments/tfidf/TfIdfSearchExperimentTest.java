package org.sheetlab.experiments.tfidf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.text.TextCorpus;
import org.sheetlab.experiments.RunFolders;
import org.sheetlab.experiments.Smoke;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.train.run.RunDirectory;

/** tfidf-search on a 12-document corpus the test writes: matches, the lowest-IDF table, the IDF-0 demonstration. */
class TfIdfSearchExperimentTest {
    static final List<String> DEFINITIONS = List.of(
            "a small thrush of Europe with a red breast", // 0
            "a large bird of prey with a hooked beak", // 1
            "inflammation of the skin with itching and a rash", // 2
            "a stringed musical instrument played with a bow", // 3
            "the city that is the seat of the government of a country", // 4
            "a unit of weight equal to sixteen ounces", // 5
            "to run quickly on foot", // 6
            "a disease of the skin marked by red patches", // 7
            "an instrument with strings plucked by the fingers", // 8
            "the main city of a region", // 9
            "a bird that sings with a red breast and a brown back", // 10
            "a measure of weight for gold and silver"); // 11

    @TempDir
    Path tmp;

    TfIdfSearchExperiment.Options options(Path corpus, Path out) {
        TfIdfSearchExperiment.Options o = new TfIdfSearchExperiment.Options();
        Smoke.set(o.run, o.loop, out, 1, null, 1);
        o.dataDir.value = corpus;
        o.queries = List.of("a small bird with a red breast", "disease of the skin", "a unit of weight", "zebra");
        o.topK = 3;
        o.lowestIdf = 5;
        return o;
    }

    @Test
    void indexesAnswersAndShowsTheIdfZeroWordChangesNothing() throws Exception {
        Path corpusDir = tmp.resolve("corpus");
        TextCorpus.write(corpusDir, DEFINITIONS);
        TfIdfSearchExperiment experiment = new TfIdfSearchExperiment();
        TfIdfSearchExperiment.Options o = options(corpusDir, tmp.resolve("run"));
        Outcome outcome = experiment.run(o);
        RunFolders.assertShowsHeadline(experiment, o, outcome);

        assertThat(outcome.rows()).extracting(r -> r.variant()).containsExactly("sheet", "sklearn");
        for (String v : List.of("sheet", "sklearn")) {
            assertThat(outcome.row(v).value("documents")).isEqualTo(12.0);
            assertThat(outcome.row(v).value("storedEntries")).isPositive();
            Path folder = outcome.runDir().resolve(v);
            JsonNode matches =
                    RunDirectory.JSON.readTree(folder.resolve("matches.json").toFile());
            // "a small bird with a red breast": the robin-like definitions 10 and 0 share bird/red/breast/small
            assertThat(matches.get(0).get("matches").get(0).get("document").asInt())
                    .isIn(0, 10);
            assertThat(matches.get(1).get("matches").get(0).get("document").asInt())
                    .isEqualTo(7);
            assertThat(matches.get(3).get("error").asText()).contains("none of the words");
            assertThat(Files.readString(folder.resolve("lowest-idf.txt"))).contains("a ");
        }
        // "a" is the most widespread word (10 of 12 documents); among the documents that contain it, the sheet IDF of
        // "a" is ln(10/10) = 0 and adding it to a query changes no ranking; sklearn's idf is ln(11/11) + 1 = 1, not 0
        assertThat(outcome.row("sheet").value("commonWordIdfInItsCollection")).isEqualTo(0.0);
        assertThat(outcome.row("sheet").value("changedByCommonWord")).isEqualTo(0.0);
        assertThat(outcome.row("sheet").value("commonWordMaxScoreChange")).isLessThan(1e-12);
        assertThat(outcome.row("sklearn").value("commonWordIdfInItsCollection")).isEqualTo(1.0);
        assertThat(outcome.row("sklearn").value("commonWordMaxScoreChange")).isGreaterThan(1e-3);
        assertThat(Files.readString(outcome.runDir().resolve("sheet/common-word.txt")))
                .contains("w* = 'a'")
                .contains("IDF(w*) = 0.000000")
                .contains("0 of 3 rankings changed");
    }

    @Test
    void maxDocumentsCapsTheIndexAndBadOptionsAreRefused() throws Exception {
        Path corpusDir = tmp.resolve("corpus");
        TextCorpus.write(corpusDir, DEFINITIONS);
        TfIdfSearchExperiment.Options o = options(corpusDir, tmp.resolve("capped"));
        o.maxDocuments = 8;
        o.weightings = List.of("sheet");
        Outcome outcome = new TfIdfSearchExperiment().run(o);
        assertThat(outcome.only().value("documents")).isEqualTo(8.0);

        TfIdfSearchExperiment.Options bad = options(corpusDir, tmp.resolve("bad"));
        bad.topK = 0;
        assertThatThrownBy(() -> new TfIdfSearchExperiment().run(bad))
                .hasMessageContaining("--top-k must be at least 1");
        TfIdfSearchExperiment.Options badWeighting = options(corpusDir, tmp.resolve("bad2"));
        badWeighting.weightings = List.of("bm25");
        assertThatThrownBy(() -> new TfIdfSearchExperiment().run(badWeighting))
                .hasMessageContaining("use sheet or sklearn");
        TfIdfSearchExperiment.Options unknown = options(corpusDir, tmp.resolve("bad3"));
        unknown.queries = List.of("zebra");
        assertThatThrownBy(() -> new TfIdfSearchExperiment().run(unknown)).hasMessageContaining("none of the queries");
    }
}

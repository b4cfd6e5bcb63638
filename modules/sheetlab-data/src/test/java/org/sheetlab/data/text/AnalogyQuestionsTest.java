package org.sheetlab.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.DatasetException;

/** The questions-words.txt reader on small files written here. */
class AnalogyQuestionsTest {
    @TempDir
    Path dir;

    @Test
    void readsCategoriesAndQuadruplesInOrderAndWritesThemBack() throws Exception {
        Path f = dir.resolve("q.txt");
        Files.writeString(f, ": capital-common-countries\nAthens Greece Baghdad Iraq\nAthens Greece Berlin Germany\n"
                + "\n: gram3-comparative\nbad worse big bigger\n");
        AnalogyQuestions q = AnalogyQuestions.read(f);
        assertThat(q.categories()).extracting(AnalogyQuestions.Category::name)
                .containsExactly("capital-common-countries", "gram3-comparative");
        assertThat(q.category("capital-common-countries").questions()).containsExactly(
                new AnalogyQuestions.Question("Athens", "Greece", "Baghdad", "Iraq"),
                new AnalogyQuestions.Question("Athens", "Greece", "Berlin", "Germany"));
        assertThat(q.category("gram3-comparative").questions().get(0).words())
                .containsExactly("bad", "worse", "big", "bigger");
        assertThat(q.size()).isEqualTo(3);

        Path back = dir.resolve("back.txt");
        q.write(back);
        assertThat(Files.readString(back)).isEqualTo(": capital-common-countries\nAthens Greece Baghdad Iraq\n"
                + "Athens Greece Berlin Germany\n: gram3-comparative\nbad worse big bigger\n");
        assertThatThrownBy(() -> q.category("nope")).hasMessageContaining("capital-common-countries");
    }

    @Test
    void aMalformedLineIsReportedWithItsNumber() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, ": plural\ncat cats dog dogs\nmouse mice louse\n");
        assertThatThrownBy(() -> AnalogyQuestions.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("has 3");
        Files.writeString(f, "cat cats dog dogs\n");
        assertThatThrownBy(() -> AnalogyQuestions.read(f))
                .hasMessageContaining("line 1")
                .hasMessageContaining("before the first");
        Files.writeString(f, ": plural\n:\n");
        assertThatThrownBy(() -> AnalogyQuestions.read(f)).hasMessageContaining("line 2");
        Files.writeString(f, ": plural\na b c d\n: plural\n");
        assertThatThrownBy(() -> AnalogyQuestions.read(f)).hasMessageContaining("line 3").hasMessageContaining("twice");
    }
}

package org.sheetlab.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.models.attention.Seq2SeqNetwork;
import org.sheetlab.models.gan.Gan;
import org.sheetlab.models.linear.SoftmaxRegression;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.models.moe.MoeClassifier;
import org.sheetlab.models.rnn.CharRnnLm;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.rnn.RowsAsSteps;
import org.sheetlab.models.uncertainty.McDropoutMlp;
import org.sheetlab.models.vae.VaeNetwork;

/**
 * A builder refuses one wrong setting at a time: the message names that setting (by the builder's name for it), its
 * value and the allowed range, and none of the settings that are fine.
 */
class BuilderMessagesTest {
    private static void refuses(ThrowingCallable build, String setting, String message, String... notMentioned) {
        assertThatThrownBy(build)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(message)
                .satisfies(
                        e -> assertThat(((InvalidSettingException) e).setting()).isEqualTo(setting))
                .satisfies(e -> {
                    for (String other : notMentioned) {
                        assertThat(e.getMessage()).doesNotContain(other);
                    }
                });
    }

    @Test
    void ganNamesTheOneWrongSetting() {
        refuses(
                () -> Gan.builder().optChannels(0, 64).check(),
                "channels",
                "Gan: channels must be two numbers >= 1, got [0, 64]",
                "latent",
                "hidden",
                "label",
                "learning");
        refuses(() -> Gan.builder().optLatent(0).build(), "latent", "Gan: latent must be >= 1, got 0", "hidden");
        refuses(() -> Gan.builder().optHidden(-1).check(), "hidden", "Gan: hidden must be >= 1, got -1", "latent");
        refuses(
                () -> Gan.builder().optLearningRate(0).check(),
                "learningRate",
                "Gan: learningRate must be > 0, got 0.0",
                "latent");
        refuses(
                () -> Gan.builder().optLabels(0.5, 0.6).check(),
                "realLabel",
                "Gan: realLabel must be in (fakeLabel 0.6, 1], got 0.5",
                "latent");
        refuses(
                () -> Gan.builder().optLabels(0.9, -0.1).check(),
                "fakeLabel",
                "Gan: fakeLabel must be in [0, 1), got -0.1");
        refuses(
                () -> Gan.builder()
                        .optArchitecture(Gan.Architecture.CONVOLUTIONAL)
                        .optSize(100)
                        .check(),
                "size",
                "Gan: size must be 784 (28×28 images) for the convolutional architecture, got 100");
        assertThat(Gan.builder().check()).isNotNull();
    }

    @Test
    void moeNamesTheOneWrongSetting() {
        refuses(
                () -> MoeClassifier.builder().setInputSize(784).optExperts(0).build(),
                "experts",
                "MoeClassifier: experts must be >= 1, got 0",
                "expertSize",
                "topK",
                "classes",
                "loadBalancing");
        InvalidSettingException topK = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> MoeClassifier.builder().setInputSize(4).optTopK(5).build(), InvalidSettingException.class);
        assertThat(topK).hasMessage("MoeClassifier: topK must be between 0 (mix all experts) and experts (4), got 5");
        assertThat(topK.message(name -> name.equals("topK") ? "--top-k" : name.equals("experts") ? "--experts" : null))
                .isEqualTo("--top-k must be between 0 (mix all experts) and --experts (4), got 5");
        refuses(
                () -> MoeClassifier.builder().setInputSize(4).optExpertSize(0).build(),
                "expertSize",
                "MoeClassifier: expertSize must be >= 1, got 0");
        refuses(
                () -> MoeClassifier.builder()
                        .setInputSize(4)
                        .optLoadBalancing(-0.1)
                        .build(),
                "loadBalancing",
                "MoeClassifier: loadBalancing must be >= 0 (0: off), got -0.1");
        refuses(
                () -> MoeClassifier.builder().setInputSize(4).optClasses(1).build(),
                "classes",
                "MoeClassifier: classes must be >= 2, got 1");
        refuses(
                () -> MoeClassifier.builder().build(),
                "inputSize",
                "MoeClassifier: inputSize must be >= 1 (setInputSize(n_in) is required), got -1");
    }

    @Test
    void theOtherBuildersNameTheOneWrongSettingToo() {
        refuses(
                () -> FinalQ5Network.builder().setInputSize(4).optHidden(0, 3).build(),
                "hidden",
                "FinalQ5Network: hidden must be sizes >= 1, got [0, 3]",
                "outputs");
        refuses(
                () -> FinalQ5Network.builder().setInputSize(4).optOutputs(1).build(),
                "outputs",
                "FinalQ5Network: outputs must be >= 2, got 1",
                "hidden");
        refuses(
                () -> SoftmaxRegression.builder().setInputSize(4).optOutputs(1).build(),
                "outputs",
                "SoftmaxRegression: outputs must be >= 2, got 1",
                "inputSize");
        refuses(
                () -> McDropoutMlp.builder().setInputSize(4).optRetain(1.0).build(),
                "retain",
                "McDropoutMlp: retain must be a probability in (0, 1), got 1.0",
                "inputSize");
        refuses(
                () -> VaeNetwork.builder().setInputSize(4).optLatent(0).build(),
                "latent",
                "VaeNetwork: latent must be >= 1, got 0",
                "hidden");
        refuses(
                () -> VaeNetwork.builder()
                        .setInputSize(784)
                        .optConvolutional(true)
                        .optChannels(8, 0)
                        .build(),
                "channels",
                "VaeNetwork (convolutional): channels must be two numbers >= 1, got [8, 0]",
                "latent");
        refuses(
                () -> Seq2SeqNetwork.builder().setVocabularySize(10).build(),
                "steps",
                "Seq2SeqNetwork: steps must be >= 1 (setSteps is required), got -1",
                "vocabulary");
        refuses(
                () -> CharRnnLm.builder().setCell(CharRnnLm.Cell.GRU).build(),
                "vocabularySize",
                "CharRnnLm: vocabularySize must be >= 2 (setVocabularySize is required), got -1",
                "hidden");
        refuses(
                () -> RowRnnClassifier.builder()
                        .setCell(RowRnnClassifier.Cell.SIGN)
                        .optHidden(0)
                        .build(),
                "hidden",
                "RowRnnClassifier: hidden must be >= 1, got 0");
        refuses(() -> new RowsAsSteps(28, 0), "columns", "RowsAsSteps: columns must be >= 1, got 0", "rows");
    }
}

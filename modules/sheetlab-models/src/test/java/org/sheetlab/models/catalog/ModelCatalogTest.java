package org.sheetlab.models.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.sheetlab.models.NetworkBuilder;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;

class ModelCatalogTest {
    @Test
    void everyEntryCountsAndItsTotalIsWhatDl4jAllocates() {
        assertThat(ModelCatalog.names())
                .contains(
                        "final-q5",
                        "pooling-cnn",
                        "sign-rnn",
                        "tanh-rnn",
                        "mc-dropout-mlp",
                        "recall-first-mlp",
                        "newton-softmax");
        for (ModelCatalog.Entry e : ModelCatalog.entries()) {
            NetworkBuilder b = e.builder();
            NetworkCount count = NetworkCounter.count(b.build(), b.inputType());
            MultiLayerNetwork net = new MultiLayerNetwork(b.build());
            net.init();
            assertThat(count.totalParameters())
                    .as(e.name())
                    .isEqualTo(net.numParams())
                    .isPositive();
            assertThat(e.description()).as(e.name()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void sheetFiguresAndInputTypes() {
        NetworkBuilder q5 = ModelCatalog.builder("final-q5", 400);
        assertThat(NetworkCounter.count(q5.build(), q5.inputType()).totalParameters())
                .isEqualTo(151_410);
        assertThat(ModelCatalog.inputType("final-q5", 784)).isEqualTo(InputType.feedForward(784));
        assertThat(ModelCatalog.inputType("pooling-cnn", 400)).isEqualTo(InputType.convolutionalFlat(28, 28, 1));
        assertThat(ModelCatalog.inputType("sign-rnn", 400)).isEqualTo(InputType.recurrent(28, 28));
        NetworkBuilder cnn = ModelCatalog.builder("pooling-cnn", 1);
        assertThat(NetworkCounter.count(cnn.build(), cnn.inputType()).totalParameters())
                .isEqualTo(46_730);
        NetworkBuilder mc = ModelCatalog.builder("mc-dropout-mlp", 784);
        assertThat(NetworkCounter.count(mc.build(), mc.inputType()).totalParameters())
                .isEqualTo(268_210);
        NetworkBuilder newton = ModelCatalog.entry("newton-softmax").builder();
        assertThat(NetworkCounter.count(newton.build(), newton.inputType()).totalParameters())
                .isEqualTo(62);
        assertThat(ModelCatalog.entry("final-q5").freeInputSize()).isTrue();
        assertThat(ModelCatalog.entry("sign-rnn").freeInputSize()).isFalse();
        assertThatThrownBy(() -> ModelCatalog.entry("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model")
                .hasMessageContaining("final-q5");
    }
}

package org.sheetlab.models.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.settings.InvalidSettingException;

class YoloDetectorTest {
    static INDArray priors() {
        return Nd4j.create(new double[][] {{1.5, 2.0}, {3.0, 2.5}});
    }

    @Test
    void defaultDetectorHasATwelveByTwelveGridOfNBoxesTimesFivePlusCChannels() {
        YoloDetector det = YoloDetector.builder().classes(3).anchors(priors()).build();
        assertThat(det.gridStride()).isEqualTo(8);
        assertThat(det.gridWidth()).isEqualTo(12);
        assertThat(det.gridHeight()).isEqualTo(12);
        assertThat(det.nBoxes()).isEqualTo(2);
        assertThat(det.classes()).isEqualTo(3);
        ComputationGraph g = det.graph();
        assertThat(g.getConfiguration().getNetworkInputs()).containsExactly(YoloDetector.INPUT);
        assertThat(g.getConfiguration().getNetworkOutputs()).containsExactly(YoloDetector.OUTPUT);
        Yolo2OutputLayer yolo =
                (Yolo2OutputLayer) g.getLayer(YoloDetector.OUTPUT).conf().getLayer();
        assertThat(yolo.getLambdaCoord()).isEqualTo(5.0);
        assertThat(yolo.getLambdaNoObj()).isEqualTo(0.5);
        INDArray out = det.output(Nd4j.rand(DataType.FLOAT, 2, 1, 96, 96));
        assertThat(out.shape()).containsExactly(2, 2 * (5 + 3), 12, 12);
        List<YoloDecoder.Detections> found = det.detect(Nd4j.rand(DataType.FLOAT, 2, 1, 96, 96));
        assertThat(found).hasSize(2);
        assertThat(found.get(1).size()).isEqualTo(2 * 12 * 12);
    }

    @Test
    void widthsSetTheStrideAndNonSquareInputsGiveNonSquareGrids() {
        YoloDetector det = YoloDetector.builder()
                .inputShape(3, 32, 48)
                .classes(2)
                .anchors(priors())
                .widths(4, 8, 8)
                .lambdaCoord(2)
                .lambdaNoObj(0.25)
                .seed(7)
                .learningRate(1e-2)
                .build();
        assertThat(det.gridStride()).isEqualTo(4);
        assertThat(det.gridHeight()).isEqualTo(8);
        assertThat(det.gridWidth()).isEqualTo(12);
        INDArray out = det.output(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 48));
        assertThat(out.shape()).containsExactly(1, 2 * 7, 8, 12);
        Yolo2OutputLayer yolo =
                (Yolo2OutputLayer) det.graph().getLayer("yolo").conf().getLayer();
        assertThat(yolo.getLambdaCoord()).isEqualTo(2.0);
        assertThat(yolo.getLambdaNoObj()).isEqualTo(0.25);
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThatThrownBy(() -> YoloDetector.builder().anchors(priors()).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("classes");
        assertThatThrownBy(() -> YoloDetector.builder().classes(3).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("anchors");
        assertThatThrownBy(() -> YoloDetector.builder()
                        .classes(3)
                        .anchors(Nd4j.create(new double[][] {{1, 2, 3}}))
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("[nBoxes, 2]");
        assertThatThrownBy(() -> YoloDetector.builder()
                        .classes(3)
                        .anchors(Nd4j.create(new double[][] {{1, 0}}))
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> YoloDetector.builder()
                        .inputShape(1, 100, 96)
                        .classes(3)
                        .anchors(priors())
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("multiple of the grid stride 8");
        assertThatThrownBy(() -> YoloDetector.builder()
                        .classes(3)
                        .anchors(priors())
                        .widths()
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("widths");
        assertThatThrownBy(() -> YoloDetector.builder().learningRate(0))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("learningRate");
        assertThatThrownBy(() -> YoloDetector.builder()
                        .lambdaNoObj(-1)
                        .classes(2)
                        .anchors(priors())
                        .config())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("lambdaNoObj");
        YoloDetector det = YoloDetector.builder().classes(3).anchors(priors()).build();
        assertThatThrownBy(() -> det.detect(Nd4j.rand(DataType.FLOAT, 2, 1, 64, 64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[B, 1, 96, 96]");
    }
}

package org.sheetlab.core.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.ReferenceValues;

class BoxesTest {
    private static INDArray boxes(double[]... rows) {
        return Nd4j.createFromArray(rows);
    }

    /** Hand cases: IoU worked out on paper from Intersection / Union. */
    @Test
    void handCases() {
        double[] unit = {0, 0, 2, 2};
        assertThat(Boxes.iouOfPair(unit, unit)).as("identical").isEqualTo(1.0);
        assertThat(Boxes.iouOfPair(unit, new double[] {2, 0, 4, 2}))
                .as("touching along an edge")
                .isEqualTo(0.0);
        assertThat(Boxes.iouOfPair(unit, new double[] {2, 2, 3, 3}))
                .as("touching at a corner")
                .isEqualTo(0.0);
        assertThat(Boxes.iouOfPair(unit, new double[] {5, 5, 6, 7}))
                .as("disjoint")
                .isEqualTo(0.0);
        assertThat(Boxes.iouOfPair(new double[] {0, 0, 4, 4}, new double[] {1, 1, 3, 3}))
                .as("nested: 4 / 16")
                .isEqualTo(0.25);
        // overlap 1 × 2 = 2, union 4 + 4 − 2 = 6
        assertThat(Boxes.iouOfPair(unit, new double[] {1, 0, 3, 2}))
                .as("half shifted")
                .isCloseTo(1.0 / 3, within(1e-15));
        // zero-area boxes: IoU 0 against anything, themselves included (torchvision gives 0/0 = NaN there)
        assertThat(Boxes.iouOfPair(new double[] {1, 1, 1, 1}, new double[] {1, 1, 1, 1}))
                .isEqualTo(0.0);
        assertThat(Boxes.iouOfPair(new double[] {1, 0, 1, 2}, unit))
                .as("a line inside a box")
                .isEqualTo(0.0);
    }

    @Test
    void matrixShapeSymmetryAndEmptySets() {
        INDArray a = boxes(new double[] {0, 0, 2, 2}, new double[] {1, 1, 3, 3}, new double[] {5, 5, 6, 6});
        INDArray b = boxes(new double[] {0, 0, 2, 2}, new double[] {2, 2, 4, 4});
        INDArray iou = Boxes.iou(a, b);
        assertThat(iou.shape()).containsExactly(3, 2);
        assertThat(iou.getDouble(1, 0)).isCloseTo(1.0 / 7, within(1e-15));
        assertThat(iou.getDouble(1, 1)).isCloseTo(1.0 / 7, within(1e-15));
        assertThat(Boxes.iou(b, a).transpose().equalsWithEps(iou, 0)).isTrue();
        assertThat(Boxes.iou(a, Nd4j.create(DataType.DOUBLE, 0, 4)).shape()).containsExactly(3, 0);
        assertThat(Boxes.iou(Nd4j.create(DataType.FLOAT, 0, 4), a.castTo(DataType.FLOAT))
                        .dataType())
                .isEqualTo(DataType.FLOAT);
    }

    /** IoU reads its inputs only: a 1 × 1 case (where broadcasting copies nothing) leaves the boxes unchanged. */
    @Test
    void inputsAreLeftUnchanged() {
        INDArray a = boxes(new double[] {0, 0, 2, 2});
        INDArray b = boxes(new double[] {1, 1, 3, 3});
        assertThat(Boxes.iou(a, b).getDouble(0, 0)).isEqualTo(1.0 / 7);
        assertThat(a.toDoubleVector()).containsExactly(0, 0, 2, 2);
        assertThat(b.toDoubleVector()).containsExactly(1, 1, 3, 3);
    }

    @Test
    void formatConversionsInvertEachOther() {
        INDArray centre = boxes(new double[] {5, 6, 4, 2}, new double[] {0.5, -1, 0, 3});
        INDArray corner = Boxes.centreToCorner(centre);
        assertThat(corner.toDoubleMatrix()).isEqualTo(new double[][] {{3, 5, 7, 7}, {0.5, -2.5, 0.5, 0.5}});
        assertThat(Boxes.cornerToCentre(corner).toDoubleMatrix()).isEqualTo(centre.toDoubleMatrix());
        assertThat(Boxes.area(corner).toDoubleVector()).containsExactly(8, 0);
    }

    @Test
    void badInputIsRefusedWithTheProblemAndTheFix() {
        INDArray ok = boxes(new double[] {0, 0, 1, 1});
        assertThatThrownBy(() -> Boxes.iou(Nd4j.create(DataType.DOUBLE, 3, 5), ok))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[N, 4]")
                .hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> Boxes.iou(Nd4j.createFromArray(0.0, 0, 1, 1), ok))
                .hasMessageContaining("reshape a single box to [1, 4]");
        assertThatThrownBy(() -> Boxes.iou(ok, boxes(new double[] {0, 0, 1, 1}, new double[] {3, 0, 1, 1})))
                .hasMessageContaining("second box set")
                .hasMessageContaining("box 1")
                .hasMessageContaining("x2 < x1")
                .hasMessageContaining("centreToCorner");
        assertThatThrownBy(() -> Boxes.iou(boxes(new double[] {0, Double.NaN, 1, 1}), ok))
                .hasMessageContaining("not finite");
        assertThatThrownBy(() -> Boxes.iou(Nd4j.createFromArray(new int[][] {{0, 0, 1, 1}}), ok))
                .hasMessageContaining("FLOAT or DOUBLE");
        assertThatThrownBy(() -> Boxes.centreToCorner(boxes(new double[] {0, 0, -1, 1})))
                .hasMessageContaining("negative width or height");
    }

    /**
     * box_iou of a [40, 4] against b [60, 4] from reference/detection.py (torchvision 0.14, float64), bit for bit:
     * the same operations in the same order; plus the sum and the count above 0.5 of the [3000, 3000] IoU matrix.
     */
    @Test
    void matchesTorchvisionBoxIou() {
        var ref = ReferenceValues.load("/reference/detection.json");
        JsonNode root = ref.root();
        INDArray iou = Boxes.iou(ReferenceValues.array(root.get("a")), ReferenceValues.array(root.get("b")));
        INDArray expected = ReferenceValues.array(root.get("iou_ab"));
        assertThat(iou.shape()).containsExactly(40, 60);
        assertThat(iou.toDoubleMatrix()).isEqualTo(expected.toDoubleMatrix());
        assertThat(expected.gt(0).castTo(DataType.INT32).sumNumber().intValue())
                .as("the reference has overlapping pairs")
                .isGreaterThan(100);

        INDArray all = ReferenceValues.array(root.get("boxes"));
        INDArray full = Boxes.iou(all, all);
        assertThat(full.sumNumber().doubleValue())
                .isCloseTo(root.get("iou_full_sum").asDouble(), within(1e-6));
        assertThat(full.gt(0.5).castTo(DataType.INT32).sumNumber().intValue())
                .isEqualTo(root.get("iou_full_above_half").asInt());
    }
}

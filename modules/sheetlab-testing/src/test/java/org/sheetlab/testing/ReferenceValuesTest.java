package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reference arrays read back exactly as written, and anything that is not a number fails loudly instead of reading as
 * 0.0 (the old reader called {@code JsonNode.asDouble()}, which gives 0.0 for null, strings, booleans and objects).
 */
class ReferenceValuesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void readsNestedNumbersWithTheirShape() throws Exception {
        INDArray a = ReferenceValues.array(json("[[1, 2.5, -3], [4e-3, 0.1, 6]]"));
        assertThat(a.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.getDouble(0, 1)).isEqualTo(2.5);
        assertThat(a.getDouble(1, 0)).isEqualTo(4e-3);
        assertThat(a.getDouble(1, 1)).isEqualTo(0.1);
        assertThat(ReferenceValues.array(json("7.25")).getDouble(0)).isEqualTo(7.25);
    }

    @Test
    void readsNonFiniteValuesWrittenAsStrings() throws Exception {
        INDArray a = ReferenceValues.array(json("[\"NaN\", \"Infinity\", \"-Infinity\", 1]"));
        assertThat(a.getDouble(0)).isNaN();
        assertThat(a.getDouble(1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(a.getDouble(2)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(a.getDouble(3)).isEqualTo(1.0);
    }

    @Test
    void failsLoudlyOnNonNumbers() throws Exception {
        assertThatThrownBy(() -> ReferenceValues.array(json("[1, null, 3]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$[1]")
                .hasMessageContaining("not a number")
                .hasMessageContaining("null");
        assertThatThrownBy(() -> ReferenceValues.array(json("[[1, 2], [3, \"nan\"]]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$[1][1]")
                .hasMessageContaining("\"NaN\"");
        assertThatThrownBy(() -> ReferenceValues.array(json("[true]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReferenceValues.array(json("null"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReferenceValues.array(json("{\"a\": 1}").get("b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void failsLoudlyOnRaggedArrays() throws Exception {
        assertThatThrownBy(() -> ReferenceValues.array(json("[[1, 2], [3]]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ragged at $[1]");
        assertThatThrownBy(() -> ReferenceValues.array(json("[[1, 2], 3]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ragged");
    }

    @Test
    void bareNanInTheFileIsRefusedByTheParser() {
        // Python's json.dump writes a bare NaN unless allow_nan=False; Jackson refuses it by default, so a script
        // that forgets to encode non-finite values cannot produce a file that loads
        assertThatThrownBy(() -> MAPPER.readTree("[1, NaN]")).isInstanceOf(Exception.class);
    }
}

package org.sheetlab.layers.recurrent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link SignRnn}, in the flattened order U, W, V: U [h, n_in] (input), W [h, h] (recurrent),
 * V [n_out, h] (output); no biases, as on the sheet. h·n_in + h·h + n_out·h parameters.
 */
public final class SignRnnParamInitializer implements ParamInitializer {
    public static final String INPUT_WEIGHTS = "U";
    public static final String RECURRENT_WEIGHTS = "W";
    public static final String OUTPUT_WEIGHTS = "V";
    private static final List<String> KEYS = List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS, OUTPUT_WEIGHTS);
    private static final SignRnnParamInitializer INSTANCE = new SignRnnParamInitializer();

    public static SignRnnParamInitializer getInstance() {
        return INSTANCE;
    }

    private static long[][] shapes(SignRnn c) {
        long h = c.getHiddenSize();
        return new long[][] {{h, c.getNIn()}, {h, h}, {c.getNOut(), h}};
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long n = 0;
        for (long[] s : shapes((SignRnn) layer)) {
            n += s[0] * s[1];
        }
        return n;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return KEYS.contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    private static Map<String, INDArray> views(SignRnn c, INDArray flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        long offset = 0;
        long[][] shapes = shapes(c);
        INDArray row = flat.reshape(flat.length());
        for (int i = 0; i < KEYS.size(); i++) {
            long n = shapes[i][0] * shapes[i][1];
            out.put(
                    KEYS.get(i),
                    row.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shapes[i]));
            offset += n;
        }
        return out;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        SignRnn c = (SignRnn) conf.getLayer();
        Map<String, INDArray> views = views(c, paramsView);
        if (initializeParams) {
            IWeightInit init = c.getWeightInitFn();
            IWeightInit recurrent = c.getWeightInitFnRecurrent() != null ? c.getWeightInitFnRecurrent() : init;
            long h = c.getHiddenSize();
            init.init(c.getNIn(), h, views.get(INPUT_WEIGHTS).shape(), 'c', views.get(INPUT_WEIGHTS));
            recurrent.init(h, h, views.get(RECURRENT_WEIGHTS).shape(), 'c', views.get(RECURRENT_WEIGHTS));
            init.init(h, c.getNOut(), views.get(OUTPUT_WEIGHTS).shape(), 'c', views.get(OUTPUT_WEIGHTS));
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((SignRnn) conf.getLayer(), gradientView);
    }
}

package org.sheetlab.core.metrics.detection;

/**
 * Average precision: the area under a ranked precision–recall curve (recall r_k and precision p_k after the k-th
 * ranked detection, recall non-decreasing), both rules through the precision envelope p̂_k = max_{j ≥ k} p_j, which
 * makes the curve monotone.
 */
public enum Interpolation {
    /**
     * PASCAL VOC 2010 and later (voc_ap with use_07_metric=False): AP = Σ_k (r_k − r_{k−1}) · p̂_k over the points
     * where recall rises (r_0 = 0), the exact area under the envelope; recall never reached adds 0.
     */
    ALL_POINTS {
        @Override
        public double averagePrecision(double[] recall, double[] precision) {
            double[] envelope = envelope(recall, precision);
            double area = 0;
            double previous = 0;
            for (int k = 0; k < recall.length; k++) {
                if (recall[k] != previous) {
                    area += (recall[k] - previous) * envelope[k];
                    previous = recall[k];
                }
            }
            return area;
        }
    },
    /**
     * COCO (pycocotools COCOeval.accumulate): AP = (1/101) Σ_{j=0..100} p̂(first k with r_k ≥ j/100), 0 where recall
     * j/100 is never reached; the recall points are NumPy's linspace(0, 1, 101), j · 0.01 and exactly 1 at the end.
     */
    COCO_101 {
        @Override
        public double averagePrecision(double[] recall, double[] precision) {
            double[] envelope = envelope(recall, precision);
            double sum = 0;
            int k = 0;
            for (int j = 0; j <= 100; j++) {
                double r = j == 100 ? 1.0 : j * 0.01;
                while (k < recall.length && recall[k] < r) {
                    k++;
                }
                sum += k < recall.length ? envelope[k] : 0.0;
            }
            return sum / 101;
        }
    };

    /**
     * AP of a ranked curve.
     *
     * @param recall r_k [K], non-decreasing, in [0, 1]
     * @param precision p_k [K]
     */
    public abstract double averagePrecision(double[] recall, double[] precision);

    /** The precision envelope p̂_k = max_{j ≥ k} p_j [K]. */
    public static double[] envelope(double[] recall, double[] precision) {
        if (recall.length != precision.length) {
            throw new IllegalArgumentException("recall and precision need one value per ranked detection each, got "
                    + recall.length + " and " + precision.length);
        }
        double[] envelope = precision.clone();
        for (int k = envelope.length - 2; k >= 0; k--) {
            envelope[k] = Math.max(envelope[k], envelope[k + 1]);
        }
        return envelope;
    }
}

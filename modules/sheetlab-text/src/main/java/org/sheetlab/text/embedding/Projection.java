package org.sheetlab.text.embedding;

/**
 * A 2-D principal-component projection of a few word vectors, for plots (sheet: "Embedding Analogy"): the n × d rows
 * are centred, and each is projected on the two leading eigenvectors of their d × d covariance (found by power
 * iteration with deflation, 500 iterations from a fixed start; ample for the few dozen points of a plot).
 */
public final class Projection {
    private Projection() {}

    /**
     * The n × 2 coordinates of {@code rows} (n × d) on their first two principal components; the explained variance
     * of each component is in {@code variance} when it is not null (length 2).
     */
    public static double[][] pca2(float[][] rows, double[] variance) {
        int n = rows.length;
        if (n < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 vectors, got " + n);
        }
        int d = rows[0].length;
        double[][] x = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (float[] r : rows) {
                mean += r[j];
            }
            mean /= n;
            for (int i = 0; i < n; i++) {
                x[i][j] = rows[i][j] - mean;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] r : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] += r[a] * r[b] / (n - 1);
                }
            }
        }
        double[][] out = new double[n][2];
        for (int comp = 0; comp < 2; comp++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = 1.0 + 0.01 * j; // fixed start, not orthogonal to any component in practice
            }
            double lambda = 0;
            for (int it = 0; it < 500; it++) {
                double[] w = new double[d];
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        w[a] += cov[a][b] * v[b];
                    }
                }
                double norm = 0;
                for (double z : w) {
                    norm += z * z;
                }
                norm = Math.sqrt(norm);
                if (norm == 0) {
                    break;
                }
                for (int a = 0; a < d; a++) {
                    v[a] = w[a] / norm;
                }
                lambda = norm;
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += x[i][j] * v[j];
                }
                out[i][comp] = s;
            }
            if (variance != null) {
                variance[comp] = lambda;
            }
            for (int a = 0; a < d; a++) { // deflate: remove the found component
                for (int b = 0; b < d; b++) {
                    cov[a][b] -= lambda * v[a] * v[b];
                }
            }
        }
        return out;
    }
}

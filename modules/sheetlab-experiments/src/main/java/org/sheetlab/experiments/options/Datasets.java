package org.sheetlab.experiments.options;

import org.sheetlab.data.breastcancer.BreastCancer;
import org.sheetlab.data.fashionmnist.FashionMnist;

/**
 * The datasets the experiments load: from {@code --data-dir} when given, else the one search path
 * ({@code $SHEETLAB_DATA/<dataset>}, then the Debian package's folder), fetched with the dataset's
 * {@code fetch.sh} when missing.
 */
public final class Datasets {
    private Datasets() {}

    public static FashionMnist fashionMnist(DataDirOption dir) {
        return FashionMnist.loadOrFetch(dir.value);
    }

    public static BreastCancer breastCancer(DataDirOption dir, long seed) {
        return BreastCancer.loadOrFetch(dir.value, seed);
    }
}

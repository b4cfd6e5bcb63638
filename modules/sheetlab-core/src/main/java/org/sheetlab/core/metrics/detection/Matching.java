package org.sheetlab.core.metrics.detection;

/**
 * How one detection, taken in order of descending score, is matched to the ground truths of its class in its image at
 * an IoU threshold t. Both rules match each ground truth at most once, so a second detection of an object (a
 * duplicate) is a false positive; they differ when a detection's best ground truth is already taken.
 */
public enum Matching {
    /**
     * The PASCAL VOC devkit (VOCevaldet.m; voc_eval.py): the detection takes the ground truth with the largest IoU (the
     * first in input order on ties, as np.argmax), matched or not. IoU &gt; t (strict) and that object not difficult
     * and not yet matched: true positive, and the object is matched; already matched: false positive; difficult:
     * ignored (neither). IoU ≤ t or no object in the image: false positive.
     */
    VOC {
        @Override
        Outcome match(double[] iou, boolean[] difficult, boolean[] matched, double threshold) {
            int best = -1;
            double bestIou = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < iou.length; g++) {
                if (iou[g] > bestIou) {
                    bestIou = iou[g];
                    best = g;
                }
            }
            if (best < 0 || !(bestIou > threshold)) {
                return Outcome.FALSE_POSITIVE;
            }
            if (difficult[best]) {
                return Outcome.IGNORED;
            }
            if (matched[best]) {
                return Outcome.FALSE_POSITIVE;
            }
            matched[best] = true;
            return Outcome.TRUE_POSITIVE;
        }
    },
    /**
     * pycocotools (COCOeval.evaluateImg): among the ground truths not yet matched, the detection takes the one with
     * the largest IoU ≥ min(t, 1 − 1e-10) (a later one in input order replacing on equal IoU), trying the regular ones
     * first and the ignored ones (here: difficult) only when no regular one qualifies. Matched to a regular one: true
     * positive; to a difficult one: ignored (that object is then taken); none: false positive.
     */
    COCO {
        @Override
        Outcome match(double[] iou, boolean[] difficult, boolean[] matched, double threshold) {
            int best = -1;
            double bestIou = Math.min(threshold, 1 - 1e-10);
            for (int pass = 0; pass < 2; pass++) {
                boolean ignoredPass = pass == 1;
                if (ignoredPass && best >= 0) {
                    break; // holds a regular ground truth: pycocotools stops at the first ignored one
                }
                for (int g = 0; g < iou.length; g++) {
                    if (difficult[g] == ignoredPass && !matched[g] && iou[g] >= bestIou) {
                        bestIou = iou[g];
                        best = g;
                    }
                }
            }
            if (best < 0) {
                return Outcome.FALSE_POSITIVE;
            }
            matched[best] = true;
            return difficult[best] ? Outcome.IGNORED : Outcome.TRUE_POSITIVE;
        }
    };

    /** What a detection counts as. */
    enum Outcome {
        TRUE_POSITIVE,
        FALSE_POSITIVE,
        IGNORED
    }

    /**
     * Matches one detection, marking the ground truth it takes in {@code matched}.
     *
     * @param iou the detection's IoU with each ground truth of its class in its image [G]
     * @param difficult each ground truth's flag [G]
     * @param matched whether each ground truth is already taken [G], updated
     */
    abstract Outcome match(double[] iou, boolean[] difficult, boolean[] matched, double threshold);
}

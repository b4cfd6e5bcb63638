package org.sheetlab.experiments.yolo;

import org.sheetlab.train.run.RunDirectory;

/** TEMPORARY: sample drawings, to be written with DetectionDrawing once the models branch lands. */
final class YoloSamples {
    private YoloSamples() {}

    static void write(RunDirectory dir, YoloExperiment.Data d, Candidates cand, int n, boolean perClass) {}
}

#!/usr/bin/python3
"""Reference values for org.sheetlab.core.metrics.detection (mAP), from a small NumPy implementation written from the
two published definitions, independent of the Java code. Neither pycocotools nor torchmetrics has a Debian package
(apt-cache policy python3-pycocotools python3-torchmetrics: none), so this script re-states them:

  VOC (PASCAL VOC devkit VOCevaldet.m, as ported in py-faster-rcnn's voc_eval.py):
    per class, all detections sorted by confidence descending; each detection takes the ground truth of its image with
    the largest IoU (np.argmax: the first among equals, matched or not); IoU > threshold (strict) and that ground truth
    not difficult and not yet detected -> TP (mark it detected); not difficult but already detected -> FP (duplicate);
    difficult -> neither; IoU <= threshold or no ground truth in the image -> FP.
    rec = cumsum(tp) / npos (npos = non-difficult ground truths), prec = cumsum(tp) / (cumsum(tp) + cumsum(fp)),
    AP = voc_ap(rec, prec) with use_07_metric=False: all-point interpolation, the area under the precision envelope.
  COCO (pycocotools cocoeval.py, COCOeval.evaluateImg / accumulate / summarize, bbox, area 'all', maxDets 100):
    per image and class, detections sorted by score descending (mergesort) and cut to the top maxDets; ground truths
    sorted with the ignored ones last; per IoU threshold t each detection takes, among ground truths not yet matched,
    the one with the largest IoU >= t (min(t, 1 - 1e-10)), a later one replacing on equal IoU, and stops searching once
    it holds a regular ground truth and reaches the ignored ones; a detection matched to an ignored ground truth is
    ignored. 'difficult' is mapped to COCO's ignore flag (not iscrowd: an ignored ground truth is matched at most once).
    Per class, all images' detections sorted by score (mergesort); tp/fp cumulative sums over non-ignored detections;
    pr = tp / (tp + fp + eps); precision envelope from the right; at each of the 101 recall thresholds
    np.linspace(0, 1, 101) the envelope at np.searchsorted(rc, r, 'left') (0 beyond the last recall); AP is the mean
    of those 101 values; a class without non-ignored ground truths is -1 and left out of the mean over classes.
    IoU thresholds np.linspace(.5, .95, 10).

Deviations from the sources, stated here and in the Java Javadoc: boxes are continuous corner coordinates (x1, y1, x2,
y2), area (x2 - x1)(y2 - y1) in both (the VOC devkit adds 1 pixel to widths and heights; COCO does not); a detection on
an image without ground truths is a FP in both (voc_eval.py would raise a KeyError, COCO drops it from the image set);
the VOC precision uses tp / (tp + fp) without an epsilon, as does the COCO reference here when tp + fp > 0 (COCO's eps
of 2.2e-16 only changes values at the 1e-16 level).

Run:  /usr/bin/python3 detection_map.py > detection_map.json
Each case: ground_truths [M, 7] rows (image, class, x1, y1, x2, y2, difficult 0/1), detections [N, 7] rows (image,
class, score, x1, y1, x2, y2); classes (sorted union of the classes of both); voc_ap [K] (NaN for a class without
non-difficult ground truths) and voc_map at IoU 0.5; voc_ap_thresholds [K, 10] the same VOC rule at each COCO IoU
threshold; coco_ap [K, 10] (NaN where COCO writes -1) and coco_map; voc_curves, per class with ground truths, the VOC
rec/prec arrays and the sorted scores with the rows of detections matched to difficult ground truths left out (such a
row repeats the previous point, so this changes neither the curve nor AP).
"""
import json

import numpy as np

IOU_THRESHOLDS = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
REC_THRESHOLDS = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)


def box_overlaps(bb, bbgt):
    """IoU of one box bb (4,) with each row of bbgt (n, 4), continuous coordinates."""
    ixmin = np.maximum(bbgt[:, 0], bb[0])
    iymin = np.maximum(bbgt[:, 1], bb[1])
    ixmax = np.minimum(bbgt[:, 2], bb[2])
    iymax = np.minimum(bbgt[:, 3], bb[3])
    iw = np.maximum(ixmax - ixmin, 0.)
    ih = np.maximum(iymax - iymin, 0.)
    inters = iw * ih
    uni = (bb[2] - bb[0]) * (bb[3] - bb[1]) + (bbgt[:, 2] - bbgt[:, 0]) * (bbgt[:, 3] - bbgt[:, 1]) - inters
    return inters / uni


# ---------------------------------------------------------------- VOC devkit (voc_eval.py / VOCevaldet.m)
def voc_ap(rec, prec):
    """use_07_metric=False: correct AP calculation; first append sentinel values at the end."""
    mrec = np.concatenate(([0.], rec, [1.]))
    mpre = np.concatenate(([0.], prec, [0.]))
    # compute the precision envelope
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    # to calculate area under PR curve, look for points where X axis (recall) changes value
    i = np.where(mrec[1:] != mrec[:-1])[0]
    # and sum (\Delta recall) * prec
    return np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])


def voc_eval(gts, dets, classname, ovthresh):
    """gts: list of (image, class, box, difficult); dets: list of (image, class, score, box)."""
    class_recs = {}
    npos = 0
    for image in sorted({g[0] for g in gts} | {d[0] for d in dets}):
        R = [g for g in gts if g[0] == image and g[1] == classname]
        bbox = np.array([g[2] for g in R]).reshape(-1, 4)
        difficult = np.array([g[3] for g in R]).astype(bool)
        det = [False] * len(R)
        npos = npos + sum(~difficult)
        class_recs[image] = {'bbox': bbox, 'difficult': difficult, 'det': det}
    mine = [d for d in dets if d[1] == classname]
    image_ids = [d[0] for d in mine]
    confidence = np.array([d[2] for d in mine])
    BB = np.array([d[3] for d in mine]).reshape(-1, 4)
    # sort by confidence
    sorted_ind = np.argsort(-confidence, kind='mergesort')
    BB = BB[sorted_ind, :]
    image_ids = [image_ids[x] for x in sorted_ind]
    sorted_scores = confidence[sorted_ind]
    # go down dets and mark TPs and FPs
    nd = len(image_ids)
    tp = np.zeros(nd)
    fp = np.zeros(nd)
    ignored = np.zeros(nd, dtype=bool)
    for d in range(nd):
        R = class_recs[image_ids[d]]
        bb = BB[d, :].astype(float)
        ovmax = -np.inf
        BBGT = R['bbox'].astype(float)
        if BBGT.size > 0:
            overlaps = box_overlaps(bb, BBGT)
            ovmax = np.max(overlaps)
            jmax = np.argmax(overlaps)
        if ovmax > ovthresh:
            if not R['difficult'][jmax]:
                if not R['det'][jmax]:
                    tp[d] = 1.
                    R['det'][jmax] = 1
                else:
                    fp[d] = 1.
            else:
                ignored[d] = True
        else:
            fp[d] = 1.
    # compute precision recall
    fp = np.cumsum(fp)
    tp = np.cumsum(tp)
    if npos == 0:
        return float('nan'), None
    rec = tp / float(npos)
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    ap = voc_ap(rec, prec)
    keep = ~ignored
    return float(ap), {"scores": sorted_scores[keep].tolist(), "recall": rec[keep].tolist(),
                       "precision": prec[keep].tolist()}


# ---------------------------------------------------------------- COCO (cocoeval.py, bbox)
def coco_evaluate_img(gt, dt, max_det):
    """gt: list of dicts (bbox, ignore); dt: list of dicts (bbox, score); one image, one category."""
    if len(gt) == 0 and len(dt) == 0:
        return None
    for g in gt:
        g['_ignore'] = g['ignore']
    gtind = np.argsort([g['_ignore'] for g in gt], kind='mergesort')
    gt = [gt[i] for i in gtind]
    dtind = np.argsort([-d['score'] for d in dt], kind='mergesort')
    dt = [dt[i] for i in dtind[0:max_det]]
    iscrowd = [0 for _ in gt]
    ious = (np.array([box_overlaps(np.array(d['bbox']), np.array([g['bbox'] for g in gt]).reshape(-1, 4))
                      for d in dt]).reshape(len(dt), len(gt)))
    T = len(IOU_THRESHOLDS)
    G = len(gt)
    D = len(dt)
    gtm = np.zeros((T, G))
    dtm = np.zeros((T, D))
    gtIg = np.array([g['_ignore'] for g in gt])
    dtIg = np.zeros((T, D))
    if not len(ious) == 0:
        for tind, t in enumerate(IOU_THRESHOLDS):
            for dind, d in enumerate(dt):
                # information about best match so far (m=-1 -> unmatched)
                iou = min([t, 1 - 1e-10])
                m = -1
                for gind, g in enumerate(gt):
                    # if this gt already matched, and not a crowd, continue
                    if gtm[tind, gind] > 0 and not iscrowd[gind]:
                        continue
                    # if dt matched to reg gt, and on ignore gt, stop
                    if m > -1 and gtIg[m] == 0 and gtIg[gind] == 1:
                        break
                    # continue to next gt unless better match made
                    if ious[dind, gind] < iou:
                        continue
                    # if match successful and best so far, store appropriately
                    iou = ious[dind, gind]
                    m = gind
                # if match made store id of match for both dt and gt
                if m == -1:
                    continue
                dtIg[tind, dind] = gtIg[m]
                dtm[tind, dind] = gt[m]['id']
                gtm[tind, m] = d['id']
    return {'dtMatches': dtm, 'dtScores': [d['score'] for d in dt], 'gtIgnore': gtIg, 'dtIgnore': dtIg}


def coco_accumulate(E):
    """E: the evaluateImg results of one category over all images; returns precision [T, R] or None (-1)."""
    E = [e for e in E if e is not None]
    if len(E) == 0:
        return None
    dtScores = np.concatenate([e['dtScores'] for e in E])
    inds = np.argsort(-dtScores, kind='mergesort')
    dtm = np.concatenate([e['dtMatches'] for e in E], axis=1)[:, inds]
    dtIg = np.concatenate([e['dtIgnore'] for e in E], axis=1)[:, inds]
    gtIg = np.concatenate([e['gtIgnore'] for e in E])
    npig = np.count_nonzero(gtIg == 0)
    if npig == 0:
        return None
    tps = np.logical_and(dtm, np.logical_not(dtIg))
    fps = np.logical_and(np.logical_not(dtm), np.logical_not(dtIg))
    tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
    fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
    precision = np.zeros((len(IOU_THRESHOLDS), len(REC_THRESHOLDS)))
    for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
        tp = np.array(tp)
        fp = np.array(fp)
        nd = len(tp)
        rc = tp / npig
        pr = tp / np.maximum(fp + tp, np.spacing(1))  # see the docstring: no eps when tp + fp > 0
        q = np.zeros((len(REC_THRESHOLDS),))
        pr = pr.tolist()
        q = q.tolist()
        for i in range(nd - 1, 0, -1):
            if pr[i] > pr[i - 1]:
                pr[i - 1] = pr[i]
        inds = np.searchsorted(rc, REC_THRESHOLDS, side='left')
        try:
            for ri, pi in enumerate(inds):
                q[ri] = pr[pi]
        except IndexError:
            pass
        precision[t, :] = np.array(q)
    return precision


def coco_eval(gts, dets, classes, max_det=100):
    images = sorted({g[0] for g in gts} | {d[0] for d in dets})
    ap = np.full((len(classes), len(IOU_THRESHOLDS)), np.nan)
    next_id = 1
    for k, c in enumerate(classes):
        E = []
        for image in images:
            gt = []
            for g in gts:
                if g[0] == image and g[1] == c:
                    gt.append({'id': next_id, 'bbox': g[2], 'ignore': int(g[3])})
                    next_id += 1
            dt = []
            for d in dets:
                if d[0] == image and d[1] == c:
                    dt.append({'id': next_id, 'bbox': d[3], 'score': d[2]})
                    next_id += 1
            E.append(coco_evaluate_img(gt, dt, max_det))
        precision = coco_accumulate(E)
        if precision is not None:
            ap[k, :] = precision.mean(axis=1)
    return ap


# ---------------------------------------------------------------- fixed random cases
def random_box(rng, canvas, lo=8, hi=48):
    w, h = rng.uniform(lo, hi), rng.uniform(lo, hi)
    x, y = rng.uniform(0, canvas - w), rng.uniform(0, canvas - h)
    return [x, y, x + w, y + h]


def jitter(rng, box, scale):
    w, h = box[2] - box[0], box[3] - box[1]
    d = rng.normal(scale=scale, size=4) * np.array([w, h, w, h])
    x1, y1, x2, y2 = box[0] + d[0], box[1] + d[1], box[2] + d[2], box[3] + d[3]
    return [min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)]


def make_case(rng, images, classes, max_gt, p_difficult, extra_fp, crowded_image=False):
    gts, dets = [], []
    canvas = 128.0
    for image in range(images):
        objects = []
        for _ in range(rng.integers(0, max_gt + 1)):
            c = int(rng.choice(classes[:-1]))  # the last class never has ground truths
            box = random_box(rng, canvas)
            objects.append((c, box, bool(rng.random() < p_difficult)))
            if rng.random() < 0.3:  # an overlapping neighbour of the same class (where the matching rules differ)
                objects.append((c, jitter(rng, box, 0.2), bool(rng.random() < 2 * p_difficult)))
        for c, box, difficult in objects:
            gts.append((image, c, box, difficult))
            if c == classes[-2]:
                continue  # the second-to-last class has ground truths, no detection on them (only false positives)
            if rng.random() < 0.8:  # a detection of this object, IoU spread over ~0.3..1
                cls = c if rng.random() < 0.9 else int(rng.choice(classes))  # sometimes the wrong class
                dets.append((image, cls, float(rng.beta(5, 2)), jitter(rng, box, rng.uniform(0.02, 0.25))))
                if rng.random() < 0.3:  # a duplicate
                    dets.append((image, cls, float(rng.beta(4, 3)), jitter(rng, box, rng.uniform(0.02, 0.2))))
        for _ in range(rng.integers(0, extra_fp + 1)):  # background false positives, any class
            dets.append((image, int(rng.choice(classes)), float(rng.beta(2, 5)), random_box(rng, canvas)))
    if crowded_image:  # more than COCO's 100 detections of one class in one image
        c = classes[0]
        for _ in range(12):
            box = random_box(rng, canvas)
            gts.append((images, c, box, False))
            for _ in range(rng.integers(8, 14)):
                dets.append((images, c, float(rng.beta(3, 3)), jitter(rng, box, rng.uniform(0.02, 0.3))))
    scores = [d[2] for d in dets]
    assert len(set(scores)) == len(scores), "tied scores: the order among them is implementation-defined"
    return gts, dets


rng = np.random.default_rng(20261205)
cases = []
for note, args in [
    ("6 images, 3 classes, no difficult", dict(images=6, classes=[0, 1, 2], max_gt=3, p_difficult=0.0, extra_fp=2)),
    ("40 images, 5 classes, 15% difficult", dict(images=40, classes=[0, 1, 2, 3, 4], max_gt=5, p_difficult=0.15,
                                                 extra_fp=3)),
    ("25 images, 4 classes (1, 3, 5, 9), 10% difficult", dict(images=25, classes=[1, 3, 5, 9], max_gt=6,
                                                              p_difficult=0.1, extra_fp=4)),
    ("12 images and one with over 100 detections of class 0", dict(images=12, classes=[0, 1, 2], max_gt=4,
                                                                    p_difficult=0.1, extra_fp=2,
                                                                    crowded_image=True)),
]:
    gts, dets = make_case(rng, **args)
    classes = sorted({g[1] for g in gts} | {d[1] for d in dets})
    voc = [voc_eval(gts, dets, c, 0.5) for c in classes]
    voc_ap_values = [a for a, _ in voc]
    voc_thresholds = [[voc_eval(gts, dets, c, float(t))[0] for t in IOU_THRESHOLDS] for c in classes]
    coco = coco_eval(gts, dets, classes)
    crowded = max(sum(1 for d in dets if d[0] == i and d[1] == c) for i in range(args["images"] + 1) for c in classes)
    cases.append({
        "note": note,
        "ground_truths": [[g[0], g[1], *g[2], int(g[3])] for g in gts],
        "detections": [[d[0], d[1], d[2], *d[3]] for d in dets],
        "classes": classes,
        "voc_ap": voc_ap_values,
        "voc_map": float(np.nanmean(voc_ap_values)),
        "voc_ap_thresholds": voc_thresholds,
        "coco_ap": coco.tolist(),
        "coco_map": float(np.nanmean(coco)),
        "voc_curves": [dict(cls=c, **curve) for c, (_, curve) in zip(classes, voc) if curve is not None],
        "most_detections_of_one_class_in_one_image": crowded,
    })


def finite(v):
    if isinstance(v, float):
        return "NaN" if v != v else "Infinity" if v == float("inf") else "-Infinity" if v == float("-inf") else v
    if isinstance(v, list):
        return [finite(x) for x in v]
    if isinstance(v, dict):
        return {k: finite(x) for k, x in v.items()}
    return v


print(json.dumps(finite({"generator": "detection_map.py", "numpy": np.__version__,
                         "iou_thresholds": IOU_THRESHOLDS.tolist(), "cases": cases}), allow_nan=False))

#!/usr/bin/python3
"""The analogy evaluation every tool of `scripts/bench word2vec` goes through (sheetlab, the word2vec C tool and gensim
write their vectors in word2vec's binary or text format; this reads them all the same way).

Method (that of word2vec's compute-accuracy and gensim's evaluate_word_analogies): vectors normalised to length 1; the
search space is the first --restrict words of the file (every tool writes its vocabulary by descending count, so these
are the most frequent words; compute-accuracy uses 30000); a question a : b :: c : d (questions-words.txt format, ':'
lines start sections, lower-cased) is answered only when all four words are in that space, and it is right when the
word with the highest cosine to b − a + c, a, b and c excluded, is d (3CosAdd). accuracy = right / answered;
coverage = answered / questions.

Usage: word2vec_eval.py VECTORS QUESTIONS [--restrict 30000] [--threads N]   (prints one JSON object)
"""
import argparse
import json
import os
import sys

import numpy as np


def read_vectors(path, limit=None):
    """(words, float32 matrix [V, d]) of the first `limit` rows of a word2vec file: text when it ends in .txt, else binary."""
    with open(path, "rb") as f:
        header = f.readline().split()
        v, d = int(header[0]), int(header[1])
        n = v if limit is None else min(v, limit)
        binary = not path.endswith(".txt")
        words, mat = [], np.empty((n, d), dtype=np.float32)
        if binary:
            for i in range(n):
                w = bytearray()
                while True:
                    ch = f.read(1)
                    if ch == b" " or ch == b"":
                        break
                    if ch != b"\n":
                        w += ch
                words.append(w.decode("utf-8", "replace"))
                mat[i] = np.frombuffer(f.read(4 * d), dtype="<f4")
        else:
            for i in range(n):
                parts = f.readline().decode("utf-8", "replace").rstrip().split(" ")
                words.append(parts[0])
                mat[i] = np.asarray(parts[1:1 + d], dtype=np.float32)
    return words, mat


def evaluate(vectors, questions, restrict=30000):
    words, mat = read_vectors(vectors, restrict)
    # word2vec.c writes its line end </s> as row 0; it is no word, and the search space is words
    keep = [i for i, w in enumerate(words) if w != "</s>"]
    words = [words[i] for i in keep]
    mat = mat[keep]
    mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
    index = {w: i for i, w in enumerate(words)}
    total, rows = 0, []
    with open(questions, encoding="utf-8") as f:
        for line in f:
            if line.startswith(":") or not line.strip():
                continue
            q = line.lower().split()
            if len(q) != 4:
                continue
            total += 1
            if all(w in index for w in q):
                rows.append([index[w] for w in q])
    right = 0
    q = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
    for s in range(0, len(q), 512):
        b = q[s:s + 512]
        target = mat[b[:, 1]] - mat[b[:, 0]] + mat[b[:, 2]]
        sims = target @ mat.T
        for k in range(3):
            sims[np.arange(len(b)), b[:, k]] = -np.inf
        right += int((sims.argmax(axis=1) == b[:, 3]).sum())
    answered = len(q)
    return {"accuracy": right / answered if answered else None, "right": right, "answered": answered,
            "questions": total, "coverage": answered / total if total else None, "restrict": restrict}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("vectors")
    p.add_argument("questions")
    p.add_argument("--restrict", type=int, default=30000)
    p.add_argument("--threads", type=int, default=None, help="ignored (numpy's BLAS keeps its own)")
    a = p.parse_args()
    print(json.dumps(evaluate(a.vectors, a.questions, a.restrict)))


if __name__ == "__main__":
    main()

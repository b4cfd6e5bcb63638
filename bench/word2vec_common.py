"""What the peers of `scripts/bench word2vec` share: their command line (the settings sheetlab's side gets too) and the
JSON they print. Words/s = corpus tokens (whitespace-separated tokens of the file, as `sheetlab bench word2vec`
counted them) x epochs / training seconds, where training is everything after the vocabulary is built: the unigram
table, the initial vectors, the epochs and writing the vectors in word2vec's binary format. The vocabulary pass (one
read of the file, counting words) is timed separately and reported, not part of words/s, for every tool."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import word2vec_eval  # noqa: E402


def arguments(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--corpus", required=True, help="one document a line, tokens separated by spaces")
    p.add_argument("--corpus-tokens", type=int, required=True, help="its token count (for words/s)")
    p.add_argument("--questions", help="questions-words.txt; no analogy evaluation without it")
    p.add_argument("--out-dir", required=True, help="where the vectors are written")
    p.add_argument("--dimension", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--round", type=int, default=1)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    return p


def result(a, impl, vectors, vocab_seconds, train_seconds, vocabulary, extra=None):
    doc = {"impl": impl, "corpusTokens": a.corpus_tokens, "epochs": a.epochs, "threads": a.threads,
           "vocabulary": vocabulary, "vocabSeconds": vocab_seconds, "trainSeconds": train_seconds,
           "wordsPerSecond": a.corpus_tokens * a.epochs / train_seconds,
           "settings": {"dimension": a.dimension, "window": a.window, "negative": a.negative, "sample": a.sample,
                        "minCount": a.min_count, "alpha": a.alpha}}
    if a.questions:
        doc["analogy"] = word2vec_eval.evaluate(vectors, a.questions)
    if extra:
        doc.update(extra)
    print(json.dumps(doc))
    return doc

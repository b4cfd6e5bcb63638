#!/usr/bin/python3
"""Reference files for org.sheetlab.text.embedding.Word2VecFormat: word vectors written and read by gensim.

Run with Debian's python3-gensim (4.2), from this folder:  /usr/bin/python3 word2vec_format.py > word2vec_format.json

1. Makes 6 words x 5 float32 vectors (fixed values: unicode words, zero, negative zero, a subnormal, the largest float,
   1/3, seeded normals) and writes them with gensim's KeyedVectors.save_word2vec_format as
   gensim_vectors.txt (binary=False) and gensim_vectors.bin (binary=True).
2. Loads the files sheetlab's writer made from the same values (sheetlab_vectors.txt / .bin, written by
   Word2VecFormatTest with -Dsheetlab.regenerate=true; the test checks that the writer still writes them byte for
   byte) with gensim's load_word2vec_format and records what gensim read.
JSON: "words", "vectors" (the float32 values as exact doubles), "gensim_read_sheetlab_txt/bin" (words and vectors as
gensim loaded sheetlab's files, or absent when those files do not exist yet).
"""
import json
import os

import numpy as np
from gensim.models import KeyedVectors

words = ["the", "king", "queen", "café", "naïve", "x"]
rng = np.random.RandomState(19)
vectors = rng.standard_normal((6, 5)).astype(np.float32)
vectors[0, :] = [0.0, -0.0, np.float32(1e-45), np.finfo(np.float32).max, np.float32(1) / np.float32(3)]

kv = KeyedVectors(vector_size=5)
kv.add_vectors(words, vectors)
kv.save_word2vec_format("gensim_vectors.txt", binary=False)
kv.save_word2vec_format("gensim_vectors.bin", binary=True)

# gensim reads back its own files exactly (binary) / to float32 rounding of its repr (text, exact too)
for name, binary in (("gensim_vectors.txt", False), ("gensim_vectors.bin", True)):
    back = KeyedVectors.load_word2vec_format(name, binary=binary)
    assert list(back.index_to_key) == words
    assert np.array_equal(back.vectors, vectors), name


def as_json(kv_):
    return {"words": list(kv_.index_to_key), "vectors": [[float(x) for x in row] for row in kv_.vectors]}


out = {"words": words, "vectors": [[float(x) for x in row] for row in vectors]}
for suffix, binary in (("txt", False), ("bin", True)):
    name = "sheetlab_vectors." + suffix
    if os.path.exists(name):
        out["gensim_read_sheetlab_" + suffix] = as_json(KeyedVectors.load_word2vec_format(name, binary=binary))
print(json.dumps(out, indent=1, ensure_ascii=False, allow_nan=False))

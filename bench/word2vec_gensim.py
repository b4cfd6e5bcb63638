#!/usr/bin/python3
"""gensim peer of `scripts/bench word2vec` (Debian python3-gensim, 4.2): Word2Vec skip-gram (sg=1) with negative
sampling (hs=0), the same settings as the C tool and sheetlab, trained from the corpus file (corpus_file mode, gensim's
fastest: one Cython thread per worker without the GIL), learning rate decaying linearly from alpha to alpha * 1e-4 as
in word2vec.c. build_vocab is the vocabulary pass; train + writing the binary vectors is the timed training.
Prints one JSON object (word2vec_common.result)."""
import logging
import os
import time

from word2vec_common import arguments, result

a = arguments(__doc__).parse_args()
from gensim.models import Word2Vec  # noqa: E402
from gensim.models.word2vec_inner import FAST_VERSION  # noqa: E402

logging.basicConfig(level=logging.WARNING)
vectors = os.path.join(a.out_dir, f"gensim-{a.round}.bin")
m = Word2Vec(vector_size=a.dimension, window=a.window, min_count=a.min_count, sg=1, hs=0, negative=a.negative,
             sample=a.sample, alpha=a.alpha, min_alpha=a.alpha * 1e-4, workers=a.threads, epochs=a.epochs,
             seed=a.seed)
t0 = time.perf_counter()
m.build_vocab(corpus_file=a.corpus)
t1 = time.perf_counter()
m.train(corpus_file=a.corpus, total_examples=m.corpus_count, total_words=m.corpus_total_words, epochs=a.epochs)
m.wv.save_word2vec_format(vectors, binary=True)
t2 = time.perf_counter()
import gensim  # noqa: E402

result(a, f"gensim {gensim.__version__} Word2Vec(sg=1, corpus_file, FAST_VERSION {FAST_VERSION})", vectors, t1 - t0,
       t2 - t1, len(m.wv))

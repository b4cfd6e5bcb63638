#!/usr/bin/python3
"""The original word2vec C tool as the peer of `scripts/bench word2vec`. Its source (word2vec.c, Mikolov 2013) ships in
the npm package `word2vec`: fetched with `npm pack` (the npm registry) into a cache folder and built there with the
flags of its makefile (gcc -O3 -march=native -funroll-loops -lm -pthread ...), once. Then two runs: the vocabulary
pass (-save-vocab, no -output: counts the words and stops) and the training run (-read-vocab: reads that vocabulary,
builds the unigram table, trains, writes the binary vectors), each timed on the wall clock. Prints one JSON object
(word2vec_common.result).

The cache: $SHEETLAB_CACHE/word2vec-c, else ~/.cache/sheetlab/word2vec-c; --binary names an already built tool."""
import os
import shutil
import subprocess
import sys
import tarfile
import time

from word2vec_common import arguments, result

VERSION = "1.1.5"
FLAGS = ["-lm", "-pthread", "-O3", "-march=native", "-Wall", "-funroll-loops", "-Wno-unused-result",
         "-fno-stack-protector"]


def build():
    cache = os.path.join(os.environ.get("SHEETLAB_CACHE", os.path.expanduser("~/.cache/sheetlab")), "word2vec-c",
                         VERSION)
    tool = os.path.join(cache, "word2vec")
    if os.path.exists(tool):
        return tool
    os.makedirs(cache, exist_ok=True)
    if not shutil.which("npm") or not shutil.which("gcc"):
        sys.exit("word2vec_c.py: the C tool comes from the npm package word2vec and is built with gcc; install them "
                 "(Debian: apt-get install npm gcc) or name a built word2vec with --binary")
    subprocess.run(["npm", "pack", f"word2vec@{VERSION}", "--silent"], cwd=cache, check=True,
                   stdout=subprocess.DEVNULL)
    with tarfile.open(os.path.join(cache, f"word2vec-{VERSION}.tgz")) as t:
        t.extractall(cache)
    src = os.path.join(cache, "package", "src", "word2vec.c")
    subprocess.run(["gcc", src, "-o", tool + ".tmp"] + FLAGS, check=True)
    os.replace(tool + ".tmp", tool)
    return tool


p = arguments(__doc__)
p.add_argument("--binary", help="a built word2vec (default: fetch and build it in the cache)")
p.add_argument("--build-only", action="store_true", help="fetch and build the tool, print its path, and stop")
a = p.parse_args()
tool = a.binary or build()
if a.build_only:
    print(tool)
    sys.exit(0)
vocab = os.path.join(a.out_dir, f"c-vocab-{a.round}.txt")
vectors = os.path.join(a.out_dir, f"c-{a.round}.bin")
quiet = {"stdout": subprocess.DEVNULL, "check": True}
t0 = time.perf_counter()
subprocess.run([tool, "-train", a.corpus, "-save-vocab", vocab, "-min-count", str(a.min_count), "-debug", "0"],
               **quiet)
t1 = time.perf_counter()
subprocess.run([tool, "-train", a.corpus, "-read-vocab", vocab, "-output", vectors, "-binary", "1", "-cbow", "0",
                "-hs", "0", "-size", str(a.dimension), "-window", str(a.window), "-negative", str(a.negative),
                "-sample", str(a.sample), "-min-count", str(a.min_count), "-iter", str(a.epochs), "-alpha",
                str(a.alpha), "-threads", str(a.threads), "-debug", "0"], **quiet)
t2 = time.perf_counter()
with open(vocab, encoding="utf-8", errors="replace") as f:
    words = sum(1 for _ in f) - 1  # without </s>
result(a, f"word2vec.c (npm word2vec {VERSION}, gcc {' '.join(FLAGS[2:])})", vectors, t1 - t0, t2 - t1, words)

#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench sgemm`: torch.mm of two 2048x2048 float32 matrices, median GFLOP/s over
--calls calls, at --threads threads (torch.set_num_threads) and, with --blas-threads, that many OpenBLAS threads (else
OpenBLAS's own default: one per core, whatever --threads says; see torch_blas.py). Prints one JSON object with both
counts."""
import argparse, json, os, sys, time
import torch
from torch_blas import blas_info, set_blas_threads

p = argparse.ArgumentParser()
p.add_argument("--calls", type=int, default=20)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--blas-threads", type=int, default=None, help="OpenBLAS's own thread count (default: its own)")
a = p.parse_args()
torch.set_num_threads(a.threads)
x0 = torch.mm(torch.rand(4, 4), torch.rand(4, 4))  # loads the BLAS
if a.blas_threads is not None and not set_blas_threads(a.blas_threads):
    sys.exit("--blas-threads: no OpenBLAS is mapped into this process")
blas = blas_info()
n = 2048
x, y = torch.rand(n, n), torch.rand(n, n)
out = torch.empty(n, n)
for _ in range(a.warmup):
    torch.mm(x, y, out=out)
g = []
for _ in range(a.calls):
    t0 = time.perf_counter()
    torch.mm(x, y, out=out)
    g.append(2.0 * n ** 3 / (time.perf_counter() - t0) / 1e9)
g.sort()
print(f"pytorch sgemm {n}: {g[len(g) // 2]:.1f} GFLOP/s ({torch.get_num_threads()} torch threads, "
      f"{blas['blasThreads']} OpenBLAS threads)", file=sys.stderr)
print(json.dumps({"impl": f"PyTorch {torch.__version__} CPU torch.mm", "threads": torch.get_num_threads(),
                  "gflops": g[len(g) // 2], **blas}))

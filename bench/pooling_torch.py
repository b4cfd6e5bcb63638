#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench pooling`: forward + backward of 2x2, stride-2 pooling on [64, 32, 28, 28]
float32 non-negative input (as after a ReLU): F.lp_pool2d (p = 2, 3), log-average pooling as logsumexp over unfolded
windows minus log 4, F.avg_pool2d and F.max_pool2d. Median milliseconds per call; prints one JSON object."""
import argparse, json, math, os, sys, time
import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--iterations", type=int, default=50)
p.add_argument("--warmup", type=int, default=10)
p.add_argument("--threads", type=int, default=os.cpu_count())
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
x0 = torch.rand(64, 32, 28, 28)
eps = torch.rand(64, 32, 14, 14)

def logavg(x):
    u = F.unfold(x, kernel_size=2, stride=2).reshape(64, 32, 4, 196)
    return (torch.logsumexp(u, dim=2) - math.log(4)).reshape(64, 32, 14, 14)

fns = {"torch lp_pool2d p=2": lambda x: F.lp_pool2d(x, 2, 2, 2), "torch lp_pool2d p=3": lambda x: F.lp_pool2d(x, 3, 2, 2),
       "torch log-average (unfold+logsumexp)": logavg, "torch avg_pool2d": lambda x: F.avg_pool2d(x, 2, 2),
       "torch max_pool2d": lambda x: F.max_pool2d(x, 2, 2)}
ms = {}
for name, f in fns.items():
    t = []
    for i in range(a.warmup + a.iterations):
        x = x0.clone().requires_grad_(True)
        t0 = time.perf_counter()
        y = f(x)
        y.backward(eps)
        if i >= a.warmup:
            t.append((time.perf_counter() - t0) * 1000)
    t.sort()
    ms[name] = t[len(t) // 2]
    print(f"{name:<38} {ms[name]:8.2f} ms", file=sys.stderr)
print(json.dumps({"impl": f"PyTorch {torch.__version__} CPU", "threads": torch.get_num_threads(), "medianMs": ms}))

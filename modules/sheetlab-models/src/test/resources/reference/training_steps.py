#!/usr/bin/python3
"""Reference values for sheetlab-models' checks of DL4J training pieces against the sheet, from PyTorch autograd.

Run with Debian's python3-torch:  /usr/bin/python3 training_steps.py > training_steps.json
- One SGD step (lr 0.1) of a linear layer y = x W + b with DL4J's MSE (mean over all B*K elements), plain, with the
  sheet's L2 penalty lambda/2 ||W||^2 and with the L1 penalty lambda ||W||_1 (lambda = 0.05; the bias not penalised).
- Batch normalisation in training mode with gamma = 1, beta = 0, eps = 1e-5 (biased batch variance).
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(11)
x = torch.randn(8, 3, dtype=torch.float64)
y = torch.randn(8, 2, dtype=torch.float64)
W0 = torch.randn(3, 2, dtype=torch.float64) * 0.5
b0 = torch.randn(2, dtype=torch.float64) * 0.1
lr, lam = 0.1, 0.05
steps = {}
for name, penalty in [("plain", lambda W: 0), ("l2", lambda W: 0.5 * lam * (W ** 2).sum()),
                      ("l1", lambda W: lam * W.abs().sum())]:
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    loss = F.mse_loss(x @ W + b, y) + penalty(W)
    loss.backward()
    steps[name] = {"W": (W - lr * W.grad).detach().tolist(), "b": (b - lr * b.grad).detach().tolist(),
                   "loss": loss.item()}
bx = torch.randn(16, 5, dtype=torch.float64) * 3 + 2
bn = F.batch_norm(bx, None, None, weight=torch.ones(5, dtype=torch.float64), bias=torch.zeros(5, dtype=torch.float64),
                  training=True, eps=1e-5)
print(json.dumps({"generator": "training_steps.py", "torch": torch.__version__, "x": x.tolist(), "y": y.tolist(),
                  "W0": W0.tolist(), "b0": b0.tolist(), "lr": lr, "lambda": lam, "steps": steps,
                  "batchNorm": {"x": bx.tolist(), "y": bn.tolist()}}, indent=1))

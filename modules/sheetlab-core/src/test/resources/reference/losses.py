#!/usr/bin/python3
"""Reference values for org.sheetlab.core.loss, from PyTorch autograd (an implementation independent of ND4J).

Run with Debian's python3-torch:  /usr/bin/python3 losses.py > losses.json
For each case: labels y, predictions p (both [B, K], double), the sheet's loss value and d loss / d p.
  mse: sum over outputs, mean over batch  = F.mse_loss(p, y, reduction='sum') / B
  bce: sum over outputs, mean over batch  = F.binary_cross_entropy(p, y, reduction='sum') / B
  cce: sum over classes, mean over batch  = -(y * log p).sum() / B
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20261125)
cases = []
for b, k in [(1, 1), (1, 4), (3, 2), (5, 10), (8, 3)]:
    y_reg = torch.randn(b, k, dtype=torch.float64)
    p_reg = torch.randn(b, k, dtype=torch.float64)
    y_bin = torch.randint(0, 2, (b, k)).double()
    p_bin = torch.rand(b, k, dtype=torch.float64) * 0.98 + 0.01
    y_cat = F.one_hot(torch.randint(0, k, (b,)), max(k, 1)).double() if k > 1 else torch.ones(b, 1, dtype=torch.float64)
    p_cat = torch.softmax(torch.randn(b, k, dtype=torch.float64), dim=1)
    for name, y, p, fn in [
        ("mse", y_reg, p_reg, lambda p, y: F.mse_loss(p, y, reduction="sum") / p.shape[0]),
        ("bce", y_bin, p_bin, lambda p, y: F.binary_cross_entropy(p, y, reduction="sum") / p.shape[0]),
        ("cce", y_cat, p_cat, lambda p, y: -(y * torch.log(p)).sum() / p.shape[0]),
    ]:
        p = p.clone().requires_grad_(True)
        loss = fn(p, y)
        loss.backward()
        cases.append({"loss": name, "labels": y.tolist(), "predictions": p.detach().tolist(),
                      "value": loss.item(), "gradient": p.grad.tolist()})
print(json.dumps({"generator": "losses.py", "torch": torch.__version__, "cases": cases}, indent=1))

#!/usr/bin/python3
"""Reference values for sheetlab-core's activations, second-order pieces, calibration and a chain-rule case, from
PyTorch and NumPy (independent of ND4J).

Run with Debian's python3-torch:  /usr/bin/python3 sheet_core.py > sheet_core.json
"""
import json
import numpy as np
import torch

torch.manual_seed(3)
rng = np.random.default_rng(3)
out = {"generator": "sheet_core.py", "torch": torch.__version__, "numpy": np.__version__}

z = torch.tensor([-7, -2.5, -0.3, 0, 0.4, 1.7, 5.9, 8], dtype=torch.float64, requires_grad=True)
s = torch.sigmoid(z)
s.sum().backward()
out["activations"] = {"z": z.detach().tolist(), "sigmoid": s.detach().tolist(), "sigmoidGrad": z.grad.tolist(),
                      "softmax": torch.softmax(z.detach(), 0).tolist(),
                      "relu6": torch.nn.functional.relu6(z.detach()).tolist()}

# Newton on L(x, y) = a x^2 + b x y + c y^2 from w0, with autograd gradient and Hessian
a, b, c = 1.5, -0.8, 2.2
w0 = torch.tensor([3.0, -4.0], dtype=torch.float64, requires_grad=True)
loss = lambda w: a * w[0] ** 2 + b * w[0] * w[1] + c * w[1] ** 2
g = torch.autograd.grad(loss(w0), w0)[0]
H = torch.autograd.functional.hessian(loss, w0.detach())
out["newton"] = {"a": a, "b": b, "c": c, "w0": w0.detach().tolist(), "gradient": g.tolist(), "hessian": H.tolist(),
                 "inverse": torch.linalg.inv(H).tolist(), "step": (w0.detach() - torch.linalg.solve(H, g)).tolist()}

m = rng.standard_normal((6, 6))
spd = m @ m.T + np.eye(6)
ev = np.linalg.eigvalsh(spd)
out["eigen"] = {"matrix": spd.tolist(), "eigenvalues": ev.tolist(), "kappa": float(ev.max() / ev.min())}

blocks = rng.standard_normal((4, 2, 2))
blocks = np.einsum("nij,nkj->nik", blocks, blocks) + np.eye(2)
gvec = rng.standard_normal(8)
dense = np.zeros((8, 8))
for i in range(4):
    dense[2 * i:2 * i + 2, 2 * i:2 * i + 2] = blocks[i]
out["blockDiagonal"] = {"blocks": blocks.tolist(), "g": gvec.tolist(), "inverseTimes": np.linalg.solve(dense, gvec).tolist()}

probs = rng.dirichlet(np.ones(3) * 0.7, size=40)
labels = rng.integers(0, 3, size=40)
conf, pred = probs.max(1), probs.argmax(1)
bins = 10
ece = 0.0
for k in range(bins):
    idx = np.minimum((conf * bins).astype(int), bins - 1) == k
    if idx.any():
        ece += idx.mean() * abs((pred[idx] == labels[idx]).mean() - conf[idx].mean())
out["calibration"] = {"probabilities": probs.tolist(), "labels": labels.tolist(), "bins": bins, "ece": ece}

# chain rule: L = (sigmoid(w . x) - t)^2, dL/dw = 2 (s - t) s (1 - s) x
x = torch.tensor([0.5, -1.2, 2.0], dtype=torch.float64)
w = torch.tensor([0.3, 0.1, -0.4], dtype=torch.float64, requires_grad=True)
t = 0.8
L = (torch.sigmoid(w @ x) - t) ** 2
L.backward()
out["chainRule"] = {"x": x.tolist(), "w": w.detach().tolist(), "t": t, "loss": L.item(), "gradient": w.grad.tolist()}
print(json.dumps(out, indent=1))

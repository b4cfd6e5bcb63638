#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.moe.MixtureOfExperts, from PyTorch autograd (a hand-written mixture of
experts in sheetlab's parameter layout; the last case has experts without bias, expertBias(false)).

Run with Debian's python3-torch:  /usr/bin/python3 moe.py > moe.json
W [n_in, E*n_out], b [E*n_out] (experts side by side), Wg [n_in, E], bg [E]; expert activation tanh.
p = softmax(x Wg + bg); top-k: g = p / sum(p over the k largest) on those k, 0 elsewhere (k = E: g = p);
y = sum_e g_e tanh(x W_e + b_e); L_aux = lambda * E * sum_e f_e * mean_b(p_e) with f_e the (constant) share of rows
whose largest p is e. The stored gradients are those of sum(y * dy) + B * L_aux (the layer adds B times the auxiliary
gradient because DL4J's updater divides every gradient by the minibatch size), and L_aux itself.
"""
import json
import torch

torch.manual_seed(2613)
cases = []
for (B, n_in, n_out, E, k, lam, bias) in [(1, 2, 2, 2, 0, 0.0, True), (4, 3, 2, 3, 0, 0.0, True),
                                          (5, 4, 3, 4, 2, 0.0, True), (6, 3, 2, 4, 2, 0.3, True),
                                          (5, 3, 3, 3, 1, 0.5, True), (4, 3, 2, 3, 2, 0.2, False)]:
    p_ = lambda r, c: (torch.randn(r, c, dtype=torch.float64) * 0.8).requires_grad_(True)
    W, Wg = p_(n_in, E * n_out), p_(n_in, E)
    b = (torch.randn(E * n_out, dtype=torch.float64) * 0.2).requires_grad_(True)
    if not bias:  # expertBias(false): y_e = tanh(x W_e), no "b" parameter
        b = torch.zeros(E * n_out, dtype=torch.float64)
    bg = (torch.randn(E, dtype=torch.float64) * 0.2).requires_grad_(True)
    x = torch.randn(B, n_in, dtype=torch.float64, requires_grad=True)
    ye = torch.tanh(x @ W + b).reshape(B, E, n_out)
    p = torch.softmax(x @ Wg + bg, dim=1)
    kk = E if k == 0 else k
    top = torch.topk(p.detach(), kk, dim=1).indices
    sel = torch.zeros(B, E, dtype=torch.float64).scatter_(1, top, 1.0)
    g = p * sel / (p * sel).sum(dim=1, keepdim=True)
    y = (g[:, :, None] * ye).sum(dim=1)
    f = torch.zeros(E, dtype=torch.float64)
    for i in range(B):
        f[int(torch.argmax(p[i].detach()))] += 1.0 / B
    aux = lam * E * (f * p.mean(dim=0)).sum()
    dy = torch.randn(B, n_out, dtype=torch.float64)
    ((y * dy).sum() + B * aux).backward()
    case = {"experts": E, "expertBias": bias, "topK": k, "loadBalancing": lam, "x": x.detach().tolist(), "W": W.detach().tolist(),
                  "b": b.detach().tolist(), "Wg": Wg.detach().tolist(), "bg": bg.detach().tolist(),
                  "y": y.detach().tolist(), "g": g.detach().tolist(), "aux": float(aux), "dy": dy.tolist(),
                  "dx": x.grad.tolist(), "dW": W.grad.tolist(), "db": b.grad.tolist() if bias else None, "dWg": Wg.grad.tolist(),
                  "dbg": bg.grad.tolist()}
    if not bias:
        del case["b"], case["db"]
    cases.append(case)
print(json.dumps({"generator": "moe.py", "torch": torch.__version__, "cases": cases}))

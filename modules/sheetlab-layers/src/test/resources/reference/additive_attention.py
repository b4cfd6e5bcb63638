#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.attention.AdditiveAttention, from PyTorch autograd (a hand-written
Bahdanau attention; PyTorch has no additive attention module).

Run with Debian's python3-torch:  /usr/bin/python3 additive_attention.py > additive_attention.json
Parameters: Wa, Wh [n, k], v [k, 1]; x [B, n, T] (NCW); optional mask [B, T] (0 = padded step: never attended to,
context 0). e_ti = v^T tanh(Wa^T x_i + Wh^T x_t), alpha_t = softmax_i(e_t), z_t = sum_i alpha_ti x_i. Stored: z, alpha,
dy and the gradients of sum(z * dy) for x, Wa, Wh and v, in double.
"""
import json
import torch

torch.manual_seed(2612)
cases = []
for (B, n, T, k, masked) in [(1, 1, 2, 1, False), (2, 3, 4, 2, False), (3, 4, 6, 5, False), (3, 3, 5, 4, True)]:
    p = lambda r, c: (torch.randn(r, c, dtype=torch.float64) * 0.7).requires_grad_(True)
    Wa, Wh, v = p(n, k), p(n, k), p(k, 1)
    x = torch.randn(B, n, T, dtype=torch.float64, requires_grad=True)
    X = x.transpose(1, 2)                                      # [B, T, n]
    P, R = X @ Wa, X @ Wh                                      # [B, T, k]
    U = torch.tanh(P[:, None, :, :] + R[:, :, None, :])        # [B, T(query t), T(annotation i), k]
    E = (U @ v).squeeze(-1)                                    # [B, T, T]
    mask = None
    if masked:
        mask = torch.ones(B, T, dtype=torch.float64)
        mask[1, 3:] = 0
        mask[2, 4:] = 0
        E = E.masked_fill(mask[:, None, :] == 0, float("-inf"))
    A = torch.softmax(E, dim=-1)
    Z = A @ X                                                  # [B, T, n]
    if masked:
        Z = Z * mask[:, :, None]
    z = Z.transpose(1, 2)
    dy = torch.randn(z.shape, dtype=torch.float64)
    (z * dy).sum().backward()
    c = {"x": x.detach().tolist(), "Wa": Wa.detach().tolist(), "Wh": Wh.detach().tolist(), "v": v.detach().tolist(),
         "z": z.detach().tolist(), "alpha": A.detach().tolist(), "dy": dy.tolist(), "dx": x.grad.tolist(),
         "dWa": Wa.grad.tolist(), "dWh": Wh.grad.tolist(), "dv": v.grad.tolist()}
    if masked:
        c["mask"] = mask.tolist()
    cases.append(c)
print(json.dumps({"generator": "additive_attention.py", "torch": torch.__version__, "cases": cases}))

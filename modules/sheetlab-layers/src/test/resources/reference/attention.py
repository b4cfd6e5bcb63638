#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.attention.ScaledDotProductAttention, from PyTorch autograd.

Run with Debian's python3-torch:  /usr/bin/python3 attention.py > attention.json
Parameters in sheetlab's layout: Wq, Wk, Wv [n_in, heads*d], Wo [heads*d, n_out]; x [B, n_in, T] (NCW); optional
mask [B, T] (0 = padded step: never attended to, output 0). Per head: A = softmax(Q K^T / sqrt(d)) over unmasked keys,
Y = concat_h(A_h V_h) Wo. Stored: y [B, n_out, T], dy, and the gradients of sum(y * dy) for x and every weight, in
double. Where n_in = heads*d = n_out and there is no mask, the script asserts that torch.nn.MultiheadAttention
(bias=False, in_proj_weight = [Wq^T; Wk^T; Wv^T], out_proj.weight = Wo^T) gives the same y to 1e-12.
"""
import json, math
import torch

torch.manual_seed(2611)
cases = []

def attend(x, Wq, Wk, Wv, Wo, heads, d, mask):
    B, n_in, T = x.shape
    X = x.transpose(1, 2)                                   # [B, T, n_in]
    def split(M):
        return M.reshape(B, T, heads, d).transpose(1, 2)    # [B, h, T, d]
    Q, K, V = split(X @ Wq), split(X @ Wk), split(X @ Wv)
    S = Q @ K.transpose(-1, -2) / math.sqrt(d)              # [B, h, T, T]
    if mask is not None:
        S = S.masked_fill(mask[:, None, None, :] == 0, float("-inf"))
    A = torch.softmax(S, dim=-1)
    O = (A @ V).transpose(1, 2).reshape(B, T, heads * d)
    Y = O @ Wo                                              # [B, T, n_out]
    if mask is not None:
        Y = Y * mask[:, :, None]
    return Y.transpose(1, 2), A

for (B, n_in, T, heads, d, n_out, masked) in [(1, 2, 3, 1, 2, 2, False), (2, 4, 5, 2, 2, 4, False),
                                              (3, 3, 6, 2, 3, 5, False), (3, 4, 6, 2, 2, 3, True),
                                              (2, 6, 7, 3, 2, 6, False)]:
    p = lambda r, c: (torch.randn(r, c, dtype=torch.float64) * 0.5).requires_grad_(True)
    Wq, Wk, Wv, Wo = p(n_in, heads * d), p(n_in, heads * d), p(n_in, heads * d), p(heads * d, n_out)
    x = torch.randn(B, n_in, T, dtype=torch.float64, requires_grad=True)
    mask = None
    if masked:
        mask = torch.ones(B, T, dtype=torch.float64)
        mask[1, 4:] = 0
        mask[2, 5:] = 0
    y, A = attend(x, Wq, Wk, Wv, Wo, heads, d, mask)
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    if not masked and n_in == heads * d == n_out:
        mha = torch.nn.MultiheadAttention(n_in, heads, bias=False, batch_first=True).double()
        with torch.no_grad():
            mha.in_proj_weight.copy_(torch.cat([Wq.detach().t(), Wk.detach().t(), Wv.detach().t()]))
            mha.out_proj.weight.copy_(Wo.detach().t())
        X = x.detach().transpose(1, 2)
        y2, _ = mha(X, X, X, need_weights=False)
        assert torch.allclose(y2.transpose(1, 2), y.detach(), rtol=1e-12, atol=1e-12)
    c = {"heads": heads, "headSize": d, "x": x.detach().tolist(), "Wq": Wq.detach().tolist(),
         "Wk": Wk.detach().tolist(), "Wv": Wv.detach().tolist(), "Wo": Wo.detach().tolist(), "y": y.detach().tolist(),
         "attention": A.detach().tolist(), "dy": dy.tolist(), "dx": x.grad.tolist(), "dWq": Wq.grad.tolist(),
         "dWk": Wk.grad.tolist(), "dWv": Wv.grad.tolist(), "dWo": Wo.grad.tolist()}
    if masked:
        c["mask"] = mask.tolist()
    cases.append(c)
print(json.dumps({"generator": "attention.py", "torch": torch.__version__, "cases": cases}))

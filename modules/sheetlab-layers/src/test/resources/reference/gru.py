#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.recurrent.GRU, from PyTorch autograd (independent of ND4J).

Run with Debian's python3-torch:  /usr/bin/python3 gru.py > gru.json
Parameters in sheetlab's layout: W [n_in, 3H], RW [H, 3H], b [3H] (gate columns r, z, candidate) and, for
reset_after, bhn [H]. Input x [B, n_in, T] (NCW), optional mask [B, T] (0 = padded step: state carried over, output 0).
  sheet form:   h~ = tanh(x W_n + b_n + (r * h) RW_n)
  reset_after:  h~ = tanh(x W_n + b_n + r * (h RW_n + bhn))      (PyTorch's nn.GRU)
  h_t = z * h_{t-1} + (1 - z) * h~
The reset_after cases without a mask are also computed by torch.nn.GRU itself (weights moved to its layout) and must
agree with the hand-written loop to 1e-12; y, dy and the gradients of sum(y * dy) are stored in double.
"""
import json
import torch

torch.manual_seed(20261126)
cases = []

def run(x, W, RW, b, bhn, mask, after):
    B, n_in, T = x.shape
    H = RW.shape[0]
    h = torch.zeros(B, H, dtype=torch.float64)
    outs = []
    for t in range(T):
        xt = x[:, :, t]
        zx = xt @ W + b
        rz = h @ RW[:, :2 * H]
        r = torch.sigmoid(zx[:, :H] + rz[:, :H])
        z = torch.sigmoid(zx[:, H:2 * H] + rz[:, H:])
        if after:
            n = torch.tanh(zx[:, 2 * H:] + r * (h @ RW[:, 2 * H:] + bhn))
        else:
            n = torch.tanh(zx[:, 2 * H:] + (r * h) @ RW[:, 2 * H:])
        hn = z * h + (1 - z) * n
        if mask is not None:
            m = mask[:, t:t + 1]
            hn = m * hn + (1 - m) * h
            outs.append(m * hn)
        else:
            outs.append(hn)
        h = hn
    return torch.stack(outs, dim=2)       # [B, H, T]

def add(B, n_in, H, T, after, masked):
    W = (torch.randn(n_in, 3 * H, dtype=torch.float64) * 0.6).requires_grad_(True)
    RW = (torch.randn(H, 3 * H, dtype=torch.float64) * 0.6).requires_grad_(True)
    b = (torch.randn(3 * H, dtype=torch.float64) * 0.3).requires_grad_(True)
    bhn = (torch.randn(H, dtype=torch.float64) * 0.3).requires_grad_(True)
    x = torch.randn(B, n_in, T, dtype=torch.float64, requires_grad=True)
    mask = None
    if masked:
        mask = torch.ones(B, T, dtype=torch.float64)
        for e in range(B):
            mask[e, T - (e % 3):] = 0       # post-padding of 0, 1 or 2 steps
        mask[0, 1] = 0                       # and one gap inside a sequence
    y = run(x, W, RW, b, bhn, mask, after)
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    if after and not masked:                 # the same function through torch.nn.GRU
        gru = torch.nn.GRU(n_in, H, batch_first=True).double()
        with torch.no_grad():
            gru.weight_ih_l0.copy_(W.detach().t())
            gru.weight_hh_l0.copy_(RW.detach().t())
            gru.bias_ih_l0.copy_(b.detach())
            gru.bias_hh_l0.zero_()
            gru.bias_hh_l0[2 * H:] = bhn.detach()
        y2, _ = gru(x.detach().transpose(1, 2))
        assert torch.allclose(y2.transpose(1, 2), y.detach(), rtol=1e-12, atol=1e-12)
    c = {"resetAfter": after, "x": x.detach().tolist(), "W": W.detach().tolist(), "RW": RW.detach().tolist(),
         "b": b.detach().tolist(), "y": y.detach().tolist(), "dy": dy.tolist(), "dx": x.grad.tolist(),
         "dW": W.grad.tolist(), "dRW": RW.grad.tolist(), "db": b.grad.tolist()}
    if after:
        c["bhn"] = bhn.detach().tolist()
        c["dbhn"] = bhn.grad.tolist()
    if masked:
        c["mask"] = mask.tolist()
    cases.append(c)

for after in (False, True):
    add(1, 1, 1, 1, after, False)
    add(2, 3, 4, 5, after, False)
    add(4, 2, 6, 9, after, False)
    add(4, 3, 5, 6, after, True)
print(json.dumps({"generator": "gru.py", "torch": torch.__version__, "cases": cases}))

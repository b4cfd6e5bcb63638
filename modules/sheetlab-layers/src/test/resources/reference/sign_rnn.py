#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.recurrent.SignRnn, from PyTorch autograd (independent of ND4J).

Run with Debian's python3-torch:  /usr/bin/python3 sign_rnn.py > sign_rnn.json
The sheet's Final Q7 variant: s_t = sign(W s_{t-1} + U x_t) (sign(0) = +1), o_t = relu(V s_t), s_0 = 0, written as a
plain loop. sign's backward is the clipped straight-through estimator d s / d z = 1{|z| <= 1}, implemented as
hardtanh(z) + (sign(z) - hardtanh(z)).detach(). The "tanh" cases use s_t = tanh(...) (true gradients). With a mask
m [B, T]: s_t = m_t act(z_t) + (1 - m_t) s_{t-1}, o_t = m_t relu(V s_t).
Each case: x [B, n_in, T], U [h, n_in], W [h, h], V [n_out, h], optional mask, dy [B, n_out, T]; outputs y and the
gradients of sum(y * dy) w.r.t. x, U, W, V.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(7)

def sign_ste(z):
    hard = F.hardtanh(z)
    return hard + (torch.where(z >= 0, torch.ones_like(z), -torch.ones_like(z)) - hard).detach()

cases = []
for state, (b, n_in, t, h, n_out), masked in [
        ("sign", (1, 3, 4, 5, 2), False), ("sign", (3, 4, 6, 5, 3), False), ("sign", (2, 3, 5, 4, 2), True),
        ("tanh", (3, 4, 6, 5, 3), False), ("tanh", (2, 3, 5, 4, 2), True)]:
    x = torch.randn(b, n_in, t, dtype=torch.float64, requires_grad=True)
    U = (torch.randn(h, n_in, dtype=torch.float64) * 0.6).requires_grad_(True)
    W = (torch.randn(h, h, dtype=torch.float64) * 0.4).requires_grad_(True)
    V = (torch.randn(n_out, h, dtype=torch.float64) * 0.6).requires_grad_(True)
    mask = None
    if masked:
        mask = torch.ones(b, t, dtype=torch.float64)
        mask[0, t - 2:] = 0          # a shorter sequence, padded at the end
    act = sign_ste if state == "sign" else torch.tanh
    s = torch.zeros(b, h, dtype=torch.float64)
    outs = []
    for i in range(t):
        z = s @ W.T + x[:, :, i] @ U.T
        st = act(z)
        if mask is not None:
            m = mask[:, i:i + 1]
            st = m * st + (1 - m) * s
        o = torch.relu(st @ V.T)
        if mask is not None:
            o = o * mask[:, i:i + 1]
        outs.append(o)
        s = st
    y = torch.stack(outs, dim=2)
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    cases.append({"state": state, "hidden": h, "x": x.detach().tolist(), "U": U.detach().tolist(),
                  "W": W.detach().tolist(), "V": V.detach().tolist(),
                  "mask": None if mask is None else mask.tolist(), "dy": dy.tolist(), "y": y.detach().tolist(),
                  "dx": x.grad.tolist(), "dU": U.grad.tolist(), "dW": W.grad.tolist(), "dV": V.grad.tolist()})
print(json.dumps({"generator": "sign_rnn.py", "torch": torch.__version__, "cases": cases}))

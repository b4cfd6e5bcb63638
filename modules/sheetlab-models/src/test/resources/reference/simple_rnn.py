#!/usr/bin/python3
"""Reference values for org.sheetlab.models.rnn.StateGradients and DL4J's SimpleRnn, from PyTorch autograd.

Run with Debian's python3-torch:  /usr/bin/python3 simple_rnn.py > simple_rnn.json
Parameters in DL4J's layout: W [n_in, h], RW [h, h], b [h]; s_t = tanh(x_t W + s_{t-1} RW + b), s_0 = 0.
The loss is L = sum_t <s_t, d_t> for random direct gradients d [B, h, T] (one case with d = 0 except the last step);
stored: the states s [B, h, T], the total gradients dL/ds_t (autograd, retain_grad), and dL/dx, dL/dW, dL/dRW,
dL/db. The script asserts that torch.nn.RNN with weight_ih = W^T, weight_hh = RW^T, bias_ih = b gives the same states.
"""
import json
import torch

torch.manual_seed(11)
cases = []
for (B, n_in, h, T, last_only) in [(1, 1, 1, 3, False), (2, 3, 4, 6, False), (3, 2, 5, 12, True)]:
    W = (torch.randn(n_in, h, dtype=torch.float64) * 0.7).requires_grad_(True)
    RW = (torch.randn(h, h, dtype=torch.float64) * 0.7).requires_grad_(True)
    b = (torch.randn(h, dtype=torch.float64) * 0.2).requires_grad_(True)
    x = torch.randn(B, n_in, T, dtype=torch.float64, requires_grad=True)
    d = torch.randn(B, h, T, dtype=torch.float64)
    if last_only:
        d[:, :, :-1] = 0
    s = torch.zeros(B, h, dtype=torch.float64)
    states = []
    for t in range(T):
        s = torch.tanh(x[:, :, t] @ W + s @ RW + b)
        s.retain_grad()
        states.append(s)
    L = sum((states[t] * d[:, :, t]).sum() for t in range(T))
    L.backward()
    S = torch.stack([st.detach() for st in states], dim=2)
    G = torch.stack([st.grad for st in states], dim=2)
    rnn = torch.nn.RNN(n_in, h, batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(W.detach().t())
        rnn.weight_hh_l0.copy_(RW.detach().t())
        rnn.bias_ih_l0.copy_(b.detach())
        rnn.bias_hh_l0.zero_()
    out, _ = rnn(x.detach().transpose(1, 2))
    assert torch.allclose(out.transpose(1, 2), S, rtol=1e-12, atol=1e-12)
    cases.append({"x": x.detach().tolist(), "W": W.detach().tolist(), "RW": RW.detach().tolist(),
                  "b": b.detach().tolist(), "direct": d.tolist(), "states": S.tolist(), "stateGradients": G.tolist(),
                  "dx": x.grad.tolist(), "dW": W.grad.tolist(), "dRW": RW.grad.tolist(), "db": b.grad.tolist()})
print(json.dumps({"generator": "simple_rnn.py", "torch": torch.__version__, "cases": cases}))

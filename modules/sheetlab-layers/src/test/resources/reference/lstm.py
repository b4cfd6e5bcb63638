#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.recurrent (DL4J's LSTM and FastLSTM), from PyTorch's nn.LSTM autograd.

Run with Debian's python3-torch:  /usr/bin/python3 lstm.py > lstm.json
Each case: nn.LSTM(n_in, H, batch_first=True) parameters (weight_ih [4H, n_in], weight_hh [4H, H], bias_ih, bias_hh,
gate rows i, f, g, o), an input x [B, n_in, T] (channels-first, DL4J's NCW), the output y [B, H, T], an upstream
gradient dy and the gradients of sum(y * dy) for x and every parameter, in double.
"""
import json
import torch

torch.manual_seed(20261126)
cases = []
for (b, n_in, h, t) in [(1, 1, 1, 1), (2, 3, 4, 5), (3, 5, 6, 7), (4, 2, 8, 12)]:
    lstm = torch.nn.LSTM(n_in, h, batch_first=True).double()
    with torch.no_grad():
        for p in lstm.parameters():
            p.normal_(0, 0.5)
    x = torch.randn(b, n_in, t, dtype=torch.float64, requires_grad=True)
    out, _ = lstm(x.transpose(1, 2))              # [B, T, H]
    y = out.transpose(1, 2)                        # [B, H, T]
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    cases.append({"x": x.detach().tolist(), "y": y.detach().tolist(), "dy": dy.tolist(), "dx": x.grad.tolist(),
                  **{name: p.detach().tolist() for name, p in lstm.named_parameters()},
                  **{"d_" + name: p.grad.tolist() for name, p in lstm.named_parameters()}})
print(json.dumps({"generator": "lstm.py", "torch": torch.__version__, "cases": cases}))

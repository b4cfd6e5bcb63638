#!/usr/bin/python3
"""Reference values for org.sheetlab.core.loss.SaturatingGeneratorLoss in a tiny network, from PyTorch autograd.

Run with Debian's python3-torch:  /usr/bin/python3 gan_generator_loss.py > gan_generator_loss.json
Network (DL4J's layouts): h = tanh(x W1 + b1) [B,3]; p = sigmoid(h W2 + b2) [B,1] (a discriminator's output on
generated samples x). Loss per example log(1 - p) (the generator's saturating min-max loss); stored: the batch mean
(DL4J's score) and the gradients of the batch sum (DL4J's gradients before the updater divides by B), in double.
"""
import json
import torch

torch.manual_seed(1126)
x = torch.randn(4, 3, dtype=torch.float64)
shapes = {"W1": (3, 3), "b1": (1, 3), "W2": (3, 1), "b2": (1, 1)}
p = {k: (torch.randn(*s, dtype=torch.float64) * 0.8).requires_grad_(True) for k, s in shapes.items()}
out = torch.sigmoid(torch.tanh(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
loss = torch.log(1 - out).sum(1)
loss.sum().backward()
c = {"x": x.tolist(), "score": loss.mean().item(), "p": out.detach().tolist()}
for k in shapes:
    c[k] = p[k].detach().tolist()
    c["d" + k] = p[k].grad.tolist()
print(json.dumps({"generator": "gan_generator_loss.py", "torch": torch.__version__, "cases": [c]}))

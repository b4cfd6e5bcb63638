#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.vae.Reparameterization in a tiny dense VAE, from PyTorch autograd.

Run with Debian's python3-torch:  /usr/bin/python3 vae.py > vae.json
Network (DL4J's layouts, row vectors): h = relu(x W1 + b1) [B,3]; [mu | logvar] = h W2 + b2 [B,4] (k = 2);
z = mu + exp(logvar / 2) * eps with eps fixed; g = relu(z W3 + b3) [B,3]; p = sigmoid(g W4 + b4) [B,4].
Loss per example: sum_j BCE(p_j, x_j) + beta * KL, KL = -1/2 sum(1 + logvar - mu^2 - exp(logvar)); with a Gaussian
decoder (sigma > 0) the reconstruction term is -log N(x; p, sigma^2 I) (torch.distributions.Normal.log_prob, summed).
Stored: the batch-mean loss (DL4J's score), the KL mean, and the gradients of the batch SUM of the loss (DL4J's
gradients before its updater divides by the minibatch size), for beta = 1 and beta = 0.5 (Bernoulli) and beta = 1
with a Gaussian decoder, sigma = 0.3, in double. sigma = 0 marks the Bernoulli cases.
"""
import json
import torch

torch.manual_seed(1026)
cases = []
for beta, sigma in ((1.0, 0.0), (0.5, 0.0), (1.0, 0.3)):
    B = 3
    x = torch.rand(B, 4, dtype=torch.float64) * 0.8 + 0.1
    shapes = {"W1": (4, 3), "b1": (1, 3), "W2": (3, 4), "b2": (1, 4), "W3": (2, 3), "b3": (1, 3), "W4": (3, 4), "b4": (1, 4)}
    p = {k: (torch.randn(*s, dtype=torch.float64) * 0.6).requires_grad_(True) for k, s in shapes.items()}
    eps = torch.randn(B, 2, dtype=torch.float64)
    h = torch.relu(x @ p["W1"] + p["b1"])
    enc = h @ p["W2"] + p["b2"]
    mu, logvar = enc[:, :2], enc[:, 2:]
    z = mu + torch.exp(0.5 * logvar) * eps
    g = torch.relu(z @ p["W3"] + p["b3"])
    out = torch.sigmoid(g @ p["W4"] + p["b4"])
    if sigma > 0:
        bce = -torch.distributions.Normal(out, sigma).log_prob(x).sum(1)
    else:
        bce = -(x * torch.log(out) + (1 - x) * torch.log(1 - out)).sum(1)
    kl = -0.5 * (1 + logvar - mu ** 2 - torch.exp(logvar)).sum(1)
    loss = bce + beta * kl
    loss.sum().backward()
    c = {"beta": beta, "sigma": sigma, "x": x.tolist(), "eps": eps.tolist(), "score": loss.mean().item(), "kl": kl.mean().item(),
         "z": z.detach().tolist()}
    for k in shapes:
        c[k] = p[k].detach().tolist()
        c["d" + k] = p[k].grad.tolist()
    cases.append(c)
print(json.dumps({"generator": "vae.py", "torch": torch.__version__, "cases": cases}))

#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench gan`: the same dense GAN as sheetlab's Gan defaults on Fashion-MNIST:
G 64 -> 256 (ReLU) -> 784 (sigmoid), D 784 -> 256 (LeakyReLU 0.2) -> 1 (sigmoid); one step = one D update on a real
batch (target 0.9) and as many fakes (target 0) and one G update (non-saturating: target 1) through D, Adam(2e-4,
betas 0.5/0.999) for both, float32, batch 128. With --conv, the DCGAN-style pair of `Gan` with channels 32, 64:
G 64 -> 64*7*7 (ReLU) -> ConvTranspose(32, 4x4, stride 2, pad 1, ReLU) -> ConvTranspose(1, 4x4, stride 2, pad 1,
sigmoid); D Conv(32, 3x3, pad 1, LeakyReLU 0.2) -> AvgPool 2 -> Conv(64, 3x3, pad 1, LeakyReLU 0.2) -> AvgPool 2 ->
Linear(64*7*7, 1) (sigmoid). Prints one JSON object with batches (real images) per second x batch."""
import argparse, os
import torch
from torch import nn
from torch_training import fashion_mnist_train, shuffled_batches, time_steps

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--batches", type=int, default=200)
p.add_argument("--warmup", type=int, default=300)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--seed", type=int, default=42)
p.add_argument("--conv", action="store_true")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x, _ = fashion_mnist_train(a.data_dir, (-1, 784))
if a.conv:
    G = nn.Sequential(nn.Linear(64, 64 * 49), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
                      nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Sigmoid(),
                      nn.Flatten())
    D = nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 32, 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2),
                      nn.Conv2d(32, 64, 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2), nn.Flatten(),
                      nn.Linear(64 * 49, 1), nn.Sigmoid())
else:
    G = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())
    D = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1), nn.Sigmoid())
og = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
bce = nn.BCELoss()
it = shuffled_batches(x, a.batch_size, a.seed)
b = a.batch_size


def step():
    real = next(it)
    with torch.no_grad():
        fake = G(torch.randn(b, 64))
    od.zero_grad(set_to_none=True)
    ld = bce(D(torch.cat([real, fake])), torch.cat([torch.full((b, 1), 0.9), torch.zeros(b, 1)]))
    ld.backward()
    od.step()
    og.zero_grad(set_to_none=True)
    lg = bce(D(G(torch.randn(b, 64))), torch.ones(b, 1))
    lg.backward()
    og.step()  # D's gradients from this pass are discarded at its next zero_grad
    return lg.item()


time_steps(a, step, "pytorch gan")

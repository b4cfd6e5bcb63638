#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench yolo`: inference of the same network as sheetlab's YoloDetector default, layer
for layer: 1x96x96 input; four stages of Conv2d(3x3, padding 1, bias) - BatchNorm2d - LeakyReLU(0.1) with widths
16/32/64/128 and MaxPool2d(2) before stages 2..4 (stride 8, 12x12 grid); a head Conv2d(128, 128, 3) - BN - LeakyReLU;
a 1x1 Conv2d to 5 x (5 + 10) channels; then DL4J's Yolo2OutputLayer activation (YoloUtils.activate): per prior,
sigmoid on x, y and the confidence, prior * exp on w, h, softmax over the classes. Eval mode (BatchNorm uses its
running statistics), torch.inference_mode(), float32, one fixed random batch (uniform [0, 1) pixels). "parameters"
counts the BatchNorm running mean and variance too, as DL4J's numParams does. Prints one JSON object."""
import argparse, os
import torch
from torch import nn
from torch_training import time_steps

p = argparse.ArgumentParser()
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--batches", type=int, default=20)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

WIDTHS = [16, 32, 64, 128]
PRIORS = torch.tensor([[2, 3], [3, 4], [4, 5], [3, 2], [5, 3]], dtype=torch.float32)
CLASSES = 10
SIZE = 96


def unit(c_in, c_out):
    return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.LeakyReLU(0.1)]


class Yolo(nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [], 1
        for i, w in enumerate(WIDTHS):
            if i > 0:
                layers.append(nn.MaxPool2d(2))
            layers += unit(c, w)
            c = w
        layers += unit(c, c)
        layers.append(nn.Conv2d(c, len(PRIORS) * (5 + CLASSES), 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        raw = self.net(x)
        b, _, h, w = raw.shape
        r = raw.view(b, len(PRIORS), 5 + CLASSES, h, w)
        xy = torch.sigmoid(r[:, :, 0:2])
        wh = torch.exp(r[:, :, 2:4]) * PRIORS.view(1, -1, 2, 1, 1)
        conf = torch.sigmoid(r[:, :, 4:5])
        cls = torch.softmax(r[:, :, 5:], dim=2)
        return torch.cat([xy, wh, conf, cls], dim=2).view(b, -1, h, w)


net = Yolo().eval()
x = torch.rand(a.batch_size, 1, SIZE, SIZE)


def step():
    with torch.inference_mode():
        out = net(x)
    return float(out[0, 0, 0, 0])


params = sum(t.numel() for t in net.parameters()) + sum(
    m.running_mean.numel() + m.running_var.numel() for m in net.modules() if isinstance(m, nn.BatchNorm2d))
time_steps(a, step, f"pytorch yolo batch {a.batch_size}",
           {"layout": "Conv-BN-LeakyReLU(0.1) x 16/32/64/128 + maxpool, head 128, 1x1 to 75, YOLOv2 activation",
            "parameters": params})

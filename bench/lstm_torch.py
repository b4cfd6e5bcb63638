#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench lstm` and `scripts/bench gru`: Fashion-MNIST read row by row (28 steps of 28
pixels), nn.LSTM or nn.GRU (--cell) 28 -> 128, the last step's hidden state into a dense softmax over 10 classes;
Adam(1e-3), float32, the same batch size and number of timed batches as sheetlab's bench. Prints one JSON object."""
import argparse, os
import torch
from torch import nn
from torch_training import fashion_mnist_train, run

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--batches", type=int, default=100)
p.add_argument("--warmup", type=int, default=10)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--hidden", type=int, default=128)
p.add_argument("--seed", type=int, default=42)
p.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
a = p.parse_args()


class RowLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = (nn.LSTM if a.cell == "lstm" else nn.GRU)(28, a.hidden, batch_first=True)
        self.out = nn.Linear(a.hidden, 10)

    def forward(self, x):  # x [B, 28 rows (steps), 28 pixels]
        h, _ = self.lstm(x)
        return self.out(h[:, -1, :])


torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x, y = fashion_mnist_train(a.data_dir, (-1, 28, 28))
run(a, RowLstm(), x, y, f"pytorch {a.cell}", {"cell": a.cell})

"""What the PyTorch training peers share (bench/final_q5_torch.py, bench/cnn_torch.py): the Fashion-MNIST IDX
reader, the reshuffled full-batch stream, and the timed Adam training loop that prints one JSON object."""
import gzip, json, os, sys, time
import numpy as np
import torch
from torch import nn
from torch_blas import blas_info


def idx(data_dir, name):
    """An IDX file (gzip or plain) as a uint8 numpy array of its stated shape."""
    path = os.path.join(data_dir, name + ".gz")
    with (gzip.open(path) if os.path.exists(path) else open(os.path.join(data_dir, name), "rb")) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist_train(data_dir, shape):
    """Training images scaled to [0, 1] in `shape` (e.g. (-1, 784)) and labels, as tensors."""
    x = torch.from_numpy(idx(data_dir, "train-images-idx3-ubyte").reshape(shape).astype(np.float32) / 255.0)
    y = torch.from_numpy(idx(data_dir, "train-labels-idx1-ubyte").astype(np.int64))
    return x, y


def shuffled_batches(x, batch_size, seed, y=None):
    """Full batches of x (and y) in a seeded permutation drawn afresh each epoch, forever (as the Java side)."""
    rng = np.random.default_rng(seed)
    while True:
        order = torch.from_numpy(rng.permutation(len(x)))
        for s in range(0, len(x) - batch_size + 1, batch_size):
            i = order[s:s + batch_size]
            yield x[i] if y is None else (x[i], y[i])


def time_steps(args, step, label, extra=None):
    """`args.warmup` untimed calls of `step`, then `args.batches` timed ones; prints the samples/s line on stderr and
    the JSON result (samples = batches x batch size) on stdout."""
    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(args.batches):
        last = step()
    secs = time.perf_counter() - t0
    sps = args.batches * args.batch_size / secs
    print(f"{label}: {sps:.0f} samples/s (batch {args.batch_size}, {args.batches} batches, {secs:.2f} s, "
          f"{torch.get_num_threads()} threads)", file=sys.stderr)
    result = {"impl": f"PyTorch {torch.__version__} CPU", "batchSize": args.batch_size, "batches": args.batches,
              "seconds": secs, "samplesPerSecond": sps, "finalLoss": last, "threads": torch.get_num_threads(),
              **blas_info()}  # the BLAS's own thread count: not torch's (torch_blas.py)
    result.update(extra or {})
    print(json.dumps(result))


def run(args, net, x, y, label, extra=None):
    """Trains `net` with Adam(1e-3) and cross-entropy on full batches reshuffled per epoch: `args.warmup` untimed,
    then `args.batches` timed steps; prints the samples/s line on stderr and the JSON result on stdout."""
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    it = shuffled_batches(x, args.batch_size, args.seed, y)

    def step():
        xb, yb = next(it)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    time_steps(args, step, label, extra)

#!/usr/bin/python3
"""Small VGG19 weight files in Keras' layouts, and the PyTorch forward pass of the same network as reference values,
for org.sheetlab.models.vision.Vgg19Weights (Vgg19WeightsTest).

Run with Debian's python3-torch and python3-h5py, from this folder:  /usr/bin/python3 vgg19_weights.py

The network is VGG19 in torchvision's layout (3x3 convolutions with padding 1 and ReLU, 2x2 max pooling of stride 2,
flatten in PyTorch's (c, h, w) order, fc1, fc2 with ReLU, softmax) at width multiplier 1/32 (channels 2/4/8/16/16,
fc 128) on 64x96x3 inputs (block5_pool is 16x2x3, so fc1's row order matters), 5 classes, with fixed random weights
(He-normal scale, so that activations neither vanish nor explode through 16 layers). It is written as:

  vgg19_w1-32_64x96_keras.h5         Keras 2 save_weights layout (tf dim ordering, tf kernels) with the top:
                                     /<layer>/<layer>/kernel:0, bias:0, attributes layer_names and weight_names;
                                     conv kernels [kh, kw, C_in, C_out] (HWIO), dense kernels [n_in, n_out], and
                                     fc1's rows in Keras' flatten order (h, w, c) of the NHWC block5_pool;
  vgg19_w1-32_64x96_legacy_notop.h5  the layout of Keras' published vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5
                                     (Keras 1 weight names /<layer>/<layer>_W_1:0, <layer>_b_1:0), blocks only;
  vgg19_w1-32_64x96_model_notop.h5   a full-model file (model.save): /model_weights/<layer>/<layer>/kernel:0 ...,
                                     attribute model_config, blocks only;
  vgg19_misnamed_notop.h5            width 1/1000 (1 channel everywhere), blocks only, with block3_conv2 stored as
                                     "block3_conv2_renamed";
  vgg19_weights.json                 the input x [2, 3, 64, 96] is not stored: x[i] = sin(0.37 * i) over the flat
                                     (n, c, h, w) index i, computed in double and rounded to float; stored are
                                     PyTorch's block5_pool [2, 16, 2, 3], fc2 [2, 128] and predictions [2, 5] for it,
                                     a few weights for spot checks of the layout conversion, and per layer a
                                     checksum sum_i w_i cos(0.1 i) of the weight and of the bias in PyTorch's
                                     layout (see checksums()).
"""
import json
import math

import h5py
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(20261205)
CONVS = [2, 2, 4, 4, 4]
FULL = [64, 128, 256, 512, 512]
H, W, C, CLASSES = 64, 96, 3, 5


def scaled(full, m):
    return max(1, int(round(full * m)))


def build(m, top=True):
    layers = []  # (keras name, torch module or None)
    cin = C
    for b in range(5):
        cout = scaled(FULL[b], m)
        for j in range(CONVS[b]):
            conv = nn.Conv2d(cin, cout, 3, padding=1)
            nn.init.normal_(conv.weight, 0.0, math.sqrt(2.0 / (9 * cin)))
            nn.init.normal_(conv.bias, 0.0, 0.05)
            layers.append(("block%d_conv%d" % (b + 1, j + 1), conv))
            cin = cout
        layers.append(("block%d_pool" % (b + 1), None))
    if top:
        fc = scaled(4096, m)
        flat = cin * (H // 32) * (W // 32)
        for name, n_in, n_out in [("fc1", flat, fc), ("fc2", fc, fc), ("predictions", fc, CLASSES)]:
            d = nn.Linear(n_in, n_out)
            nn.init.normal_(d.weight, 0.0, math.sqrt(2.0 / n_in))
            nn.init.normal_(d.bias, 0.0, 0.05)
            layers.append((name, d))
    return layers


def forward(layers, x):
    out = {}
    for name, mod in layers:
        if name.endswith("_pool"):
            x = torch.max_pool2d(x, 2, 2)
        elif name.startswith("block"):
            x = torch.relu(mod(x))
        elif name == "fc1":
            x = torch.relu(mod(torch.flatten(x, 1)))  # PyTorch flattens NCHW: (c, h, w)
        elif name == "fc2":
            x = torch.relu(mod(x))
        else:
            x = torch.softmax(mod(x), dim=1)
        out[name] = x
    return out


def keras_arrays(layers, spatial):
    """name -> (kernel, bias) in Keras' layout."""
    arrays = {}
    for name, mod in layers:
        if mod is None:
            continue
        w = mod.weight.detach().numpy().astype(np.float32)
        b = mod.bias.detach().numpy().astype(np.float32)
        if isinstance(mod, nn.Conv2d):
            k = np.transpose(w, (2, 3, 1, 0))  # [O, I, kh, kw] -> [kh, kw, I, O]
        elif name == "fc1":
            c5, h5, w5 = spatial
            # torch rows (n_in) are in (c, h, w) order; Keras flattens the NHWC map, so its rows are in (h, w, c) order
            k = w.T.reshape(c5, h5, w5, -1).transpose(1, 2, 0, 3).reshape(c5 * h5 * w5, -1)
        else:
            k = w.T  # [out, in] -> [in, out]
        arrays[name] = (np.ascontiguousarray(k), b)
    return arrays


def checksum(a):
    """sum_i a_i * cos(0.1 i) over the C-order flat index i, in double: it changes if any element is wrong or moved."""
    flat = np.asarray(a, dtype=np.float64).reshape(-1)
    return float(np.sum(flat * np.cos(0.1 * np.arange(flat.size))))


def checksums(layers):
    """Per layer, in PyTorch's layout (conv weight [O, I, kh, kw] = DL4J's W; dense weight [out, in] = DL4J's W
    transposed, fc1's inputs in (c, h, w) order = DL4J's flatten order): the weight's and the bias' checksum."""
    return {n: {"w": checksum(m.weight.detach().numpy()), "b": checksum(m.bias.detach().numpy()),
                "n": int(m.weight.numel() + m.bias.numel())}
            for n, m in layers if m is not None}


def layer_names(layers):
    return ["input_1"] + [n for n, _ in layers[:21]] + (["flatten"] + [n for n, _ in layers[21:]] if len(layers) > 21 else [])


def write_keras2(path, layers, arrays, root_prefix=None, model_config=None):
    with h5py.File(path, "w") as f:
        root = f
        if model_config is not None:
            f.attrs["model_config"] = json.dumps(model_config).encode()
            f.attrs["keras_version"] = b"2.4.0"
            f.attrs["backend"] = b"tensorflow"
            root = f.create_group(root_prefix)
        names = layer_names(layers)
        root.attrs["layer_names"] = np.array([n.encode() for n in names])
        root.attrs["backend"] = b"tensorflow"
        root.attrs["keras_version"] = b"2.4.0"
        for n in names:
            g = root.create_group(n)
            if n in arrays:
                k, b = arrays[n]
                g.attrs["weight_names"] = np.array([(n + "/kernel:0").encode(), (n + "/bias:0").encode()])
                sub = g.create_group(n)
                sub.create_dataset("kernel:0", data=k)
                sub.create_dataset("bias:0", data=b)
            else:
                g.attrs["weight_names"] = np.array([], dtype="S1")


def write_legacy(path, layers, arrays, rename=None):
    rename = rename or {}
    with h5py.File(path, "w") as f:
        names = [rename.get(n, n) for n in layer_names(layers)]
        f.attrs["layer_names"] = np.array([n.encode() for n in names])
        for n in layer_names(layers):
            stored = rename.get(n, n)
            g = f.create_group(stored)
            if n in arrays:
                k, b = arrays[n]
                g.attrs["weight_names"] = np.array([(stored + "_W_1:0").encode(), (stored + "_b_1:0").encode()])
                g.create_dataset(stored + "_W_1:0", data=k)
                g.create_dataset(stored + "_b_1:0", data=b)
            else:
                g.attrs["weight_names"] = np.array([], dtype="S1")


M = 1.0 / 32
net = build(M, top=True)
c5 = scaled(512, M)
spatial = (c5, H // 32, W // 32)
arrays = keras_arrays(net, spatial)
write_keras2("vgg19_w1-32_64x96_keras.h5", net, arrays)
blocks = net[:21]
block_arrays = {n: a for n, a in arrays.items() if n.startswith("block")}
write_legacy("vgg19_w1-32_64x96_legacy_notop.h5", blocks, block_arrays)
write_keras2("vgg19_w1-32_64x96_model_notop.h5", blocks, block_arrays, root_prefix="model_weights",
             model_config={"class_name": "Functional", "config": {"name": "vgg19", "layers": []}})
tiny = build(0.001, top=False)
write_legacy("vgg19_misnamed_notop.h5", tiny, keras_arrays(tiny, None), rename={"block3_conv2": "block3_conv2_renamed"})

n = 2 * C * H * W
x = torch.tensor([math.sin(0.37 * i) for i in range(n)], dtype=torch.float64).float().reshape(2, C, H, W)
with torch.no_grad():
    out = forward(net, x)
torch_fc1 = dict(net)["fc1"].weight.detach().numpy()
conv = dict(net)["block2_conv1"].weight.detach().numpy()
ref = {
    "generator": "vgg19_weights.py",
    "torch": torch.__version__,
    "width": M, "height": H, "widthPixels": W, "channels": C, "classes": CLASSES,
    "block5_pool": out["block5_pool"].double().tolist(),
    "fc2": out["fc2"].double().tolist(),
    "predictions": out["predictions"].double().tolist(),
    # spot checks in PyTorch's own layout: block2_conv1 weight [O=4, I=2, kh, kw] at [3, 1, 0, 2]; fc1's weight
    # [out, in] at out 7 and the input feature (c=5, h=1, w=2) = index 5*6 + 1*3 + 2 = 35
    "block2_conv1_w_3_1_0_2": float(conv[3, 1, 0, 2]),
    "checksums": checksums(net),
    "fc1_w_7_c5h1w2": float(torch_fc1[7, 35]),
}
with open("vgg19_weights.json", "w") as f:
    json.dump(ref, f, allow_nan=False)
print("wrote", sorted(arrays), "pool", out["block5_pool"].shape, "pred", out["predictions"])

"""PyTorch side of bench/train_throughput.sh: one epoch of each architecture on exported data.

Usage: train_throughput_torch.py DATA_DIR ARCH_JSON... ; prints one line per net:
`<file> <images per second> <CPU utilisation of the epoch>`. Same protocol as remap: Adam(1e-3), cross-entropy on logits,
batch 256 (28×28) or 32, images normalised per batch from u8, shuffled once.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def build(arch):
    c, h, w = arch["input"]["channels"], arch["input"]["height"], arch["input"]["width"]
    layers, flat = [], False
    shape = (c, h, w)
    for layer in arch["layers"]:
        t = layer["type"]
        if t == "conv2d":
            k, s = layer["kernel"], layer.get("stride", 1)
            pad = "same" if layer.get("padding", "valid") == "same" and s == 1 else 0
            layers.append(nn.Conv2d(shape[0], layer["filters"], k, s, padding=pad))
        elif t in ("maxpool2d", "avgpool2d"):
            p, s = layer["size"], layer.get("stride", 2)
            layers.append((nn.MaxPool2d if t == "maxpool2d" else nn.AvgPool2d)(p, s))
        elif t == "dense":
            if not flat:
                layers.append(nn.Flatten())
                flat = True
            layers.append(nn.LazyLinear(layer["units"]))
        elif t == "activation":
            layers.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[layer["function"]]())
        elif t == "dropout":
            layers.append(nn.Dropout(layer["rate"]))
        if t in ("conv2d", "maxpool2d", "avgpool2d"):
            with torch.no_grad():
                shape = nn.Sequential(*[l for l in layers])(torch.zeros(1, c, h, w)).shape[1:]
    if not flat:
        layers.append(nn.Flatten())
    layers.append(nn.LazyLinear(arch["classes"]))
    net = nn.Sequential(*layers)
    with torch.no_grad():
        net(torch.zeros(1, c, h, w))
    return net


def main():
    data, files = sys.argv[1], sys.argv[2:]
    meta = json.load(open(f"{data}/meta.json"))
    n, c, h, w = meta["count"], meta["channels"], meta["height"], meta["width"]
    images = torch.from_numpy(np.fromfile(f"{data}/images.u8", dtype=np.uint8).reshape(n, c, h, w))
    labels = torch.from_numpy(np.fromfile(f"{data}/labels.u32", dtype=np.uint32).astype(np.int64))
    mean = torch.tensor(meta["mean"]).view(1, -1, 1, 1)
    std = torch.tensor(meta["std"]).view(1, -1, 1, 1)
    torch.manual_seed(0)
    for f in files:
        arch = json.load(open(f))
        batch = 256 if max(h, w) <= 28 else 32
        net = build(arch)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        order = torch.randperm(n)
        net.train()
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(0, n, batch):
            idx = order[i : i + batch]
            x = (images[idx].float() / 255.0 - mean) / std
            y = labels[idx]
            opt.zero_grad()
            loss = loss_fn(net(x), y)
            loss.backward()
            opt.step()
            loss.item()  # as remap: the loss is read every batch
        elapsed = time.perf_counter() - start
        util = (time.process_time() - cpu) / elapsed
        print(f"{f} {n / elapsed:.1f} {100 * util:.0f}%", flush=True)


if __name__ == "__main__":
    main()

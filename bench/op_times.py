"""PyTorch's times for the ops of plugins/training/examples/op_times.rs (same shapes, batch,
threads); prints the same JSON lines."""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
BATCH, REPS = 256, 10


def median_ms(f):
    f()
    times = []
    for _ in range(REPS):
        start = time.perf_counter()
        f()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def time_op(name, shape, input_grad, op):
    x = torch.rand(shape)

    def forward():  # with autograd recording, as burn's forward on its autodiff device
        op(x).sum().item()

    def backward():
        y = op(x.clone().requires_grad_(input_grad)).sum()
        if y.requires_grad:  # a pooling of the input has nothing to differentiate
            y.backward()

    print(json.dumps({"op": name, "forward_ms": round(median_ms(forward), 2),
                      "forward_backward_ms": round(median_ms(backward), 2)}), flush=True)


def conv(name, c, h, w, filters, k, input_grad):
    time_op(name, (BATCH, c, h, w), input_grad, torch.nn.Conv2d(c, filters, k))


relu = torch.nn.ReLU()
max2, max5 = torch.nn.MaxPool2d(2, 2), torch.nn.MaxPool2d(5, 2)
avg2, avg3 = torch.nn.AvgPool2d(2, 2), torch.nn.AvgPool2d(3, 2)
conv("conv 1→32 k3 on 28×28 (no input grad)", 1, 28, 28, 32, 3, False)
time_op("relu 32×26×26", (BATCH, 32, 26, 26), True, relu)
time_op("maxpool 2 on 32×26×26", (BATCH, 32, 26, 26), True, max2)
conv("conv 32→64 k3 on 13×13", 32, 13, 13, 64, 3, True)
time_op("maxpool 2 on 64×11×11", (BATCH, 64, 11, 11), True, max2)
time_op("dense 1600→128", (BATCH, 1600), True, torch.nn.Linear(1600, 128))
time_op("dense 128→10", (BATCH, 128), True, torch.nn.Linear(128, 10))
conv("conv 1→16 k3 on 28×28 (no input grad)", 1, 28, 28, 16, 3, False)
conv("conv 1→64 k5 on 28×28 (no input grad)", 1, 28, 28, 64, 5, False)
time_op("maxpool 2 on 64×24×24", (BATCH, 64, 24, 24), True, max2)
conv("conv 1→16 k1 on 28×28 (no input grad)", 1, 28, 28, 16, 1, False)
conv("conv 16→32 k3 on 28×28", 16, 28, 28, 32, 3, True)
time_op("avgpool 3 on 32×26×26", (BATCH, 32, 26, 26), True, avg3)
time_op("maxpool 5 on 1×28×28 (no input grad)", (BATCH, 1, 28, 28), False, max5)
conv("conv 1→128 k5 on 12×12", 1, 12, 12, 128, 5, True)
time_op("avgpool 2 on 128×8×8", (BATCH, 128, 8, 8), True, avg2)
conv("conv 128→32 k1 on 4×4", 128, 4, 4, 32, 1, True)
conv("conv 32→32 k3 on 26×26", 32, 26, 26, 32, 3, True)
conv("conv 32→64 k3 on 24×24", 32, 24, 24, 64, 3, True)
time_op("avgpool 2 on 64×22×22", (BATCH, 64, 22, 22), True, avg2)
time_op("dense 21632→10", (BATCH, 32 * 26 * 26), True, torch.nn.Linear(32 * 26 * 26, 10))

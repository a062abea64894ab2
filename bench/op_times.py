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
        xi = x.clone().requires_grad_(input_grad)
        op(xi).sum().backward()

    print(json.dumps({"op": name, "forward_ms": round(median_ms(forward), 2),
                      "forward_backward_ms": round(median_ms(backward), 2)}))


conv1, conv2 = torch.nn.Conv2d(1, 32, 3), torch.nn.Conv2d(32, 64, 3)
pool, relu = torch.nn.MaxPool2d(2, 2), torch.nn.ReLU()
dense, head = torch.nn.Linear(1600, 128), torch.nn.Linear(128, 10)
time_op("conv 1→32 k3 on 28×28 (no input grad)", (BATCH, 1, 28, 28), False, conv1)
time_op("relu 32×26×26", (BATCH, 32, 26, 26), True, relu)
time_op("maxpool 2 on 32×26×26", (BATCH, 32, 26, 26), True, pool)
time_op("conv 32→64 k3 on 13×13", (BATCH, 32, 13, 13), True, conv2)
w = torch.rand(288, 64, requires_grad=True)
time_op("matmul 30976×288 · 288×64", (30976, 288), True, lambda x: x @ w)
time_op("relu 64×11×11", (BATCH, 64, 11, 11), True, relu)
time_op("maxpool 2 on 64×11×11", (BATCH, 64, 11, 11), True, pool)
time_op("dense 1600→128", (BATCH, 1600), True, dense)
time_op("dense 128→10", (BATCH, 128), True, head)

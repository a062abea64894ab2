"""PyTorch side of bench/first_map.sh: the nets trained one after another with REMAP's protocol
(spec §5), as a user would write it instead of using remap.

Usage: first_map_torch.py DATA_DIR ARCH_JSON... [--epochs 10] [--threads N] [--seed 7] [--device cpu]

DATA_DIR holds the data set as `export_data` writes it: `train/` and `held_out/`, each with
`images.u8` (N×C×H×W bytes), `labels.u32` (little-endian) and `meta.json` (count, channels,
height, width, mean, std; mean and std are the training images' normalisation, used for both).

Protocol: Adam (lr 1e-3, eps 1e-8), lr × 0.75 after every epoch, cross-entropy on logits,
batch 256 up to 28×28 (32 above), a fresh shuffle every epoch, at most --epochs epochs, early
stopping when the mean held-out loss improves on the best by less than 0.005 for 3 epochs in a
row, a loss that is not finite stops the net as diverged. Images are normalised once up front.

Prints one JSON object on stdout: `first_map_seconds` (when the last net got its first held-out
accuracy), `total_seconds` (when the last net finished), `ready_seconds` (torch imported and the
data loaded), all since this process started, and
per net `file`, `hash` (the file name without .json), `status` (completed | early_stopped |
diverged), `curve` (held-out accuracy after each epoch), `val_accuracy` (the last one or null),
`first_val_seconds`, `done_seconds`. Progress goes to stderr.
"""
import time

START = time.perf_counter()  # before importing torch: the user waits for that too

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_throughput_torch import build  # noqa: E402

LEARNING_RATE = 1e-3
LR_DECAY_PER_EPOCH = 0.75
ADAM_EPSILON = 1e-8
MIN_IMPROVEMENT = 0.005
PATIENCE = 3


def elapsed():
    return time.perf_counter() - START


def load_split(path):
    meta = json.load(open(os.path.join(path, "meta.json")))
    n, c, h, w = meta["count"], meta["channels"], meta["height"], meta["width"]
    images = np.fromfile(os.path.join(path, "images.u8"), dtype=np.uint8)
    labels = np.fromfile(os.path.join(path, "labels.u32"), dtype="<u4")
    if images.size != n * c * h * w or labels.size != n:
        sys.exit(f"{path}: {images.size} pixels and {labels.size} labels, meta.json says {n} images of {c}×{h}×{w}")
    return torch.from_numpy(images.reshape(n, c, h, w)), torch.from_numpy(labels.astype(np.int64)), meta


def load(data, device):
    """Normalised train and held-out tensors, with the training set's mean and std."""
    splits = [os.path.join(data, s) for s in ("train", "held_out")]
    missing = [s for s in splits if not os.path.exists(os.path.join(s, "meta.json"))]
    if missing:
        sys.exit(f"{', '.join(missing)} missing: export_data must write train/ and held_out/ subfolders")
    (xt, yt, meta), (xh, yh, _) = load_split(splits[0]), load_split(splits[1])
    mean = torch.tensor(meta["mean"], dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(meta["std"], dtype=torch.float32).view(1, -1, 1, 1)

    def normalise(x):
        return ((x.float() / 255.0 - mean) / std).to(device)

    return normalise(xt), yt.to(device), normalise(xh), yh.to(device), meta


class EarlyStopping:
    """Stop after PATIENCE epochs in a row that improve on the best mean loss by < MIN_IMPROVEMENT."""

    def __init__(self):
        self.best, self.without = None, 0

    def update(self, loss):
        if self.best is None or self.best - loss >= MIN_IMPROVEMENT:
            self.best, self.without = loss, 0
        else:
            self.without += 1
        return self.without >= PATIENCE


@torch.no_grad()
def evaluate(net, x, y, batch):
    """Mean cross-entropy and accuracy over a split, in inference mode."""
    net.eval()
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    loss, correct = 0.0, 0
    for i in range(0, len(y), batch):
        logits = net(x[i : i + batch])
        loss += loss_fn(logits, y[i : i + batch]).item()
        correct += (logits.argmax(1) == y[i : i + batch]).sum().item()
    return loss / len(y), correct / len(y)


def train(net, data, epochs, batch, generator):
    xt, yt, xh, yh = data
    n = len(yt)
    opt = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE, eps=ADAM_EPSILON)
    loss_fn = nn.CrossEntropyLoss()
    stopping = EarlyStopping()
    curve, first_val, status = [], None, "completed"
    for epoch in range(epochs):
        for group in opt.param_groups:
            group["lr"] = LEARNING_RATE * LR_DECAY_PER_EPOCH**epoch
        net.train()
        order = torch.randperm(n, generator=generator).to(yt.device)
        for i in range(0, n, batch):
            idx = order[i : i + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xt[idx]), yt[idx])
            if not math.isfinite(loss.item()):  # as remap: the loss is read every batch
                return curve, first_val, "diverged"
            loss.backward()
            opt.step()
        val_loss, val_accuracy = evaluate(net, xh, yh, batch)
        if not math.isfinite(val_loss):
            return curve, first_val, "diverged"
        curve.append(val_accuracy)
        if first_val is None:
            first_val = elapsed()
        if stopping.update(val_loss):
            status = "early_stopped"
            break
    return curve, first_val, status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("archs", nargs="+")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    xt, yt, xh, yh, meta = load(args.data, device)
    ready = elapsed()
    batch = 256 if max(meta["height"], meta["width"]) <= 28 else 32
    generator = torch.Generator().manual_seed(args.seed)
    models = []
    for f in args.archs:
        net = build(json.load(open(f))).to(device)
        curve, first_val, status = train(net, (xt, yt, xh, yh), args.epochs, batch, generator)
        done = elapsed()
        models.append({
            "file": f,
            "hash": os.path.basename(f).removesuffix(".json"),
            "params": sum(p.numel() for p in net.parameters()),
            "status": status,
            "curve": curve,
            "val_accuracy": curve[-1] if curve else None,
            "first_val_seconds": first_val,
            "done_seconds": done,
        })
        acc = f"{curve[-1]:.4f}" if curve else "-"
        print(f"{len(models)}/{len(args.archs)} {f}: {status} after {len(curve)} epochs, "
              f"val acc {acc}, {done:.1f} s", file=sys.stderr, flush=True)
    firsts = [m["first_val_seconds"] for m in models if m["first_val_seconds"] is not None]
    json.dump({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": str(device),
        "train_images": len(yt),
        "held_out_images": len(yh),
        "batch": batch,
        "ready_seconds": ready,
        "first_map_seconds": max(firsts) if firsts else None,
        "total_seconds": elapsed(),
        "models": models,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks `remap export` folders: model.py + model.safetensors give the ONNX file's
probabilities, to 1e-4.

Usage: python3 tests/export_pytorch.py EXPORT_DIR [EXPORT_DIR ...]

Each folder holds the exported files and fixture.json, written by
plugins/export/tests/pytorch.rs: {"shape": [N, C, H, W], "images": pixel values in [0, 1]
(row-major), "probabilities": what the ONNX file gives for them (run by tract)}. Where
onnxruntime is installed, model.onnx is also run directly. Without torch the script says
that it skipped and exits 0.
"""

import importlib.util
import json
import sys
from pathlib import Path

TOLERANCE = 1e-4


def load_module(folder):
    spec = importlib.util.spec_from_file_location(f"exported_{folder.name}", folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def onnxruntime_probabilities(folder, images):
    try:
        import onnxruntime
    except ImportError:
        return None
    session = onnxruntime.InferenceSession(str(folder / "model.onnx"))
    (probabilities,) = session.run(["probabilities"], {"image": images.numpy()})
    return probabilities


def check(folder):
    import torch

    fixture = json.loads((folder / "fixture.json").read_text())
    images = torch.tensor(fixture["images"], dtype=torch.float32).reshape(fixture["shape"])
    expected = torch.tensor(fixture["probabilities"], dtype=torch.float32)
    model = load_module(folder)
    net = model.load()
    got = model.probabilities(net, images)
    expected = expected.reshape(got.shape)
    diff = (got - expected).abs().max().item()
    if diff >= TOLERANCE:
        return f"{folder}: PyTorch and ONNX (tract) differ by {diff:.3g}"
    ort = onnxruntime_probabilities(folder, images)
    if ort is not None:
        diff = (got - torch.from_numpy(ort)).abs().max().item()
        if diff >= TOLERANCE:
            return f"{folder}: PyTorch and ONNX (onnxruntime) differ by {diff:.3g}"
    source = "tract and onnxruntime" if ort is not None else "tract"
    print(f"ok {folder.name}: max difference to ONNX ({source}) below {TOLERANCE}")
    return None


def main(argv):
    try:
        import torch  # noqa: F401
    except ImportError:
        print("SKIPPED: `import torch` fails; the PyTorch export was not checked")
        return 0
    if not argv:
        print(__doc__)
        return 2
    failures = [f for f in (check(Path(a)) for a in argv) if f]
    for failure in failures:
        print(f"FAILED {failure}")
    print(f"{len(argv) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bash
# Which kernels limit CPU training: milliseconds per op (forward, forward + backward) for the
# layers of a typical REMAP net at batch 256, on burn's flex backend and — where PyTorch is
# installed — in PyTorch with the same threads, with the ratio (PyTorch time / burn time, so
# 0.5 means burn takes twice as long).
#
# Usage: bench/op_times.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The same target directory as the Makefile, so the benches reuse what `make test` built.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/remap/target}
target=$CARGO_TARGET_DIR
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
threads=$(nproc)

# The whole workspace, as the tests build it (single packages would unify features differently).
(cd "$root" && cargo build -q --workspace --bins --examples)
RAYON_NUM_THREADS=$threads "$target/debug/examples/op_times" >"$work/burn.jsonl"
if python3 -c 'import torch' 2>/dev/null; then
  python3 "$root/bench/op_times.py" "$threads" >"$work/torch.jsonl"
else
  : >"$work/torch.jsonl"
  echo "(PyTorch not installed: burn's times only)"
fi

python3 - "$work/burn.jsonl" "$work/torch.jsonl" "$threads" <<'PY'
import json, sys
burn = [json.loads(l) for l in open(sys.argv[1])]
torch = {r["op"]: r for r in map(json.loads, open(sys.argv[2]))}
print(f"ops of C3x32 relu M2 C3x64 relu M2 D128 relu, batch 256, {sys.argv[3]} threads; ms (median of 10)")
print(f"{'op':40} {'burn fwd':>9} {'torch fwd':>9} {'ratio':>6} {'burn f+b':>9} {'torch f+b':>9} {'ratio':>6}")
tot = [0.0, 0.0, 0.0, 0.0]
for r in burn:
    t = torch.get(r["op"])
    tf, tb = (t["forward_ms"], t["forward_backward_ms"]) if t else (float("nan"),) * 2
    tot = [tot[0] + r["forward_ms"], tot[1] + tf, tot[2] + r["forward_backward_ms"], tot[3] + tb]
    print(f"{r['op']:40} {r['forward_ms']:9.2f} {tf:9.2f} {tf / r['forward_ms']:6.2f} "
          f"{r['forward_backward_ms']:9.2f} {tb:9.2f} {tb / r['forward_backward_ms']:6.2f}")
print(f"{'total':40} {tot[0]:9.2f} {tot[1]:9.2f} {tot[1] / tot[0]:6.2f} {tot[2]:9.2f} {tot[3]:9.2f} {tot[3] / tot[2]:6.2f}")
PY

#!/usr/bin/env bash
# Which kernels limit CPU training: milliseconds per op (forward, forward + backward) for the
# layers of REMAP's golden nets at batch 256, as REMAP trains them (our kernels for convolution
# and pooling, burn's flex ops for the rest), with burn's own op, and — where PyTorch is
# installed — in PyTorch with the same threads; ratio = PyTorch time / ours (0.5: we take twice
# as long).
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
  echo "PyTorch $(python3 -c 'import torch; print(torch.__version__)'), $threads threads"
else
  : >"$work/torch.jsonl"
  echo "(PyTorch not installed: REMAP's and burn's times only)"
fi

python3 - "$work/burn.jsonl" "$work/torch.jsonl" <<'PY'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
torch = {r["op"]: r for r in map(json.loads, open(sys.argv[2]))}
nan = float("nan")
print("batch 256, ms (median of 10); ours = REMAP's kernels for conv and pooling, burn's ops otherwise")
print(f"{'op':40} {'forward':>26} {'forward + backward':>33}")
print(f"{'':40} {'ours':>7} {'burn':>7} {'torch':>7} {'ratio':>5}  {'ours':>7} {'burn':>7} {'torch':>7} {'ratio':>5}")
tot = [0.0] * 6
for r in ours:
    t = torch.get(r["op"], {})
    row = [r["forward_ms"], r["burn_forward_ms"], t.get("forward_ms", nan),
           r["forward_backward_ms"], r["burn_forward_backward_ms"], t.get("forward_backward_ms", nan)]
    tot = [a + b for a, b in zip(tot, row)]
    print(f"{r['op']:40} {row[0]:7.2f} {row[1]:7.2f} {row[2]:7.2f} {row[2] / row[0]:5.2f}  "
          f"{row[3]:7.2f} {row[4]:7.2f} {row[5]:7.2f} {row[5] / row[3]:5.2f}")
print(f"{'total':40} {tot[0]:7.2f} {tot[1]:7.2f} {tot[2]:7.2f} {tot[2] / tot[0]:5.2f}  "
      f"{tot[3]:7.2f} {tot[4]:7.2f} {tot[5]:7.2f} {tot[5] / tot[3]:5.2f}")
PY

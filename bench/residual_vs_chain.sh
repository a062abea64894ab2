#!/usr/bin/env bash
# A residual net against its chain twin (spec §9.4): the same layers, the skips removed.
# Each net trains with REMAP's protocol (`remap train`, early stopping) on the same data with
# the same seeds; prints one Markdown table (for the README): held-out accuracy per seed, the
# mean, epochs, parameters and seconds per run, then residual − chain.
#
# Usage: bench/residual_vs_chain.sh [--dataset sketches|colour-sketches|cifar10:DIR|…]
#                                   [--limit N] [--epochs N] [--seeds N] [--device cpu|gpu|auto]
# Defaults: sketches (28×28×1, 10,000 images), no limit, 10 epochs, 3 seeds, cpu. With
# cifar10:DIR the nets get CIFAR-10's 32×32×3 input: the issue's comparison. Without CIFAR-10,
# colour-sketches generates a CIFAR-10-sized folder (32×32 RGB, 1,000 images per class: the
# sketches in random colours over noisy random backgrounds, shifted inside the frame;
# plugins/datasets/examples/colour_sketches.rs) and trains on it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dataset=sketches limit=() epochs=10 seeds=3 device=cpu
while (($#)); do
  case $1 in
    --dataset) dataset=$2 ;;
    --limit) limit=(--limit "$2") ;;
    --epochs) epochs=$2 ;;
    --seeds) seeds=$2 ;;
    --device) device=$2 ;;
    *) echo "unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/remap/target}
(cd "$root" && cargo build -q --workspace --bins --examples)
remap=$CARGO_TARGET_DIR/debug/remap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

label=$dataset
case $dataset in
  cifar10:*) h=32 w=32 c=3 ;;
  colour-sketches)
    "$CARGO_TARGET_DIR/debug/examples/colour_sketches" "$work/colour" 1000 0 >/dev/null
    dataset=folder:$work/colour h=32 w=32 c=3 ;;
  *) h=28 w=28 c=1 ;;
esac
# Two residual blocks of 16 channels between a stem and a pooled dense head.
layers='
  {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
  {"type":"activation","function":"relu"},
  {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
  {"type":"activation","function":"relu"},
  {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
  {"type":"add"SKIP1},
  {"type":"activation","function":"relu"},
  {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
  {"type":"activation","function":"relu"},
  {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
  {"type":"add"SKIP2},
  {"type":"activation","function":"relu"},
  {"type":"maxpool2d","size":2},
  {"type":"dense","units":64},
  {"type":"activation","function":"relu"}'
net() { echo "{\"input\":{\"height\":$h,\"width\":$w,\"channels\":$c},\"classes\":10,\"layers\":[$1]}"; }
# The residual net adds each block's input (layers 1 and 6) to its second conv; the twin's
# "add" layers read only the conv before them, so they are dropped: the same other layers.
net "${layers//SKIP1/,\"inputs\":[4,1]}" | sed 's/SKIP2/,"inputs":[9,6]/' >"$work/residual.json"
net "$layers" | sed -e '/"add"SKIP/d' >"$work/chain.json"
"$remap" arch check "$work/residual.json" >/dev/null
"$remap" arch check "$work/chain.json" >/dev/null

for kind in residual chain; do
  for ((s = 0; s < seeds; s++)); do
    start=$EPOCHREALTIME
    "$remap" train --arch "$work/$kind.json" --dataset "$dataset" "${limit[@]}" --epochs "$epochs" \
      --seed "$s" --device "$device" --out "$work/$kind-$s" 2>"$work/$kind-$s.log"
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", b - a }' >"$work/$kind-$s.time"
  done
done

python3 - "$work" "$seeds" "$label" <<'PY'
import json, sys, statistics
work, seeds, dataset = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for kind in ("residual", "chain"):
    runs = []
    for s in range(seeds):
        r = json.load(open(f"{work}/{kind}-{s}/result.json"))
        t = float(open(f"{work}/{kind}-{s}.time").read())
        runs.append((r["val_accuracy"], len(r["epochs"]), r["params"], t, r["summary"]))
    rows[kind] = runs
print(f"Data set `{dataset}`, {seeds} seeds, REMAP's protocol.\n")
print("| net | parameters | held-out accuracy per seed | mean | epochs | s per run |")
print("|---|---:|---|---:|---:|---:|")
for kind, runs in rows.items():
    accs = [a for a, *_ in runs]
    print(f"| {kind} `{runs[0][4]}` | {runs[0][2]:,} | {', '.join(f'{a * 100:.2f} %' for a in accs)} "
          f"| {statistics.mean(accs) * 100:.2f} % | {statistics.mean(e for _, e, *_ in runs):.1f} "
          f"| {statistics.mean(t for *_, t, _ in runs):.0f} |")
d = statistics.mean(a for a, *_ in rows["residual"]) - statistics.mean(a for a, *_ in rows["chain"])
print(f"\nresidual − chain: {d * 100:+.2f} percentage points of held-out accuracy")
PY

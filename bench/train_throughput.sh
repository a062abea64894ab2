#!/usr/bin/env bash
# Training throughput of REMAP's typical nets (the spec's 8 golden architectures): one epoch on
# 10,000 generated sketch images (1,250 per class, 20 % held out) with burn's CPU backend, and,
# where PyTorch is installed, the same nets, data and batch size in PyTorch on this machine.
# Nets made for 32×32×3 input are given the sketches' 28×28×1 input (marked `*`).
#
# Usage: bench/train_throughput.sh [--device cpu|gpu|auto]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
device=cpu
if [[ ${1:-} == --device ]]; then device=$2; fi
# The same target directory as the Makefile, so the benches reuse what `make test` built.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/remap/target}
target=$CARGO_TARGET_DIR
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The whole workspace, as the tests build it: building single packages would unify features
# differently and recompile burn.
(cd "$root" && cargo build -q --workspace --bins --examples)
remap=$target/debug/remap
golden=$root/tests/golden/otmann_reference.json

python3 - "$golden" "$work" <<'PY'
import json, sys
golden, work = sys.argv[1], sys.argv[2]
for i, arch in enumerate(json.load(open(golden))["archs"]):
    adapted = arch["input"] != {"height": 28, "width": 28, "channels": 1} or arch["classes"] != 10
    arch["input"] = {"height": 28, "width": 28, "channels": 1}
    arch["classes"] = 10
    json.dump(arch, open(f"{work}/net{i}{'_adapted' if adapted else ''}.json", "w"))
PY

nets=$(ls "$work"/net*.json | sort -V)
declare -A burn cpu
TIMEFORMAT='%R %U %S'
for net in $nets; do
  name=$(basename "$net" .json)
  # CPU utilisation of the whole run (data, one epoch, evaluation): CPU time / wall time.
  { time "$remap" train --arch "$net" --dataset sketches --limit 1250 --epochs 1 --device "$device" \
    --out "$work/run_$name" 2>"$work/$name.log"; } 2>"$work/$name.time" || { burn[$name]=error; continue; }
  burn[$name]=$(python3 -c "import json,sys; print('%.1f' % json.load(open(sys.argv[1]))['epochs'][0]['images_per_second'])" "$work/run_$name/result.json")
  cpu[$name]=$(awk '{ printf "%.0f%%", 100 * ($2 + $3) / $1 }' "$work/$name.time")
done

declare -A torch torch_cpu
if python3 -c "import torch, numpy" 2>/dev/null; then
  "$target/debug/examples/export_data" sketches 1250 "$work/data"
  while read -r file ips util; do
    torch[$(basename "$file" .json)]=$ips
    torch_cpu[$(basename "$file" .json)]=$util
  done \
    < <(python3 "$root/bench/train_throughput_torch.py" "$work/data" $nets)
  threads=$(python3 -c "import torch; print(torch.get_num_threads())")
  echo "PyTorch $(python3 -c 'import torch; print(torch.__version__)') with $threads threads"
else
  echo "PyTorch not installed: burn numbers only"
fi

echo "$(nproc) cores; ours = burn's flex backend with REMAP's conv, pooling, tanh and sigmoid kernels"
printf '%-5s %-40s %8s %10s %5s %11s %5s %6s\n' net summary params "ours img/s" cpu "torch img/s" cpu ratio
ratios=()
for net in $nets; do
  name=$(basename "$net" .json)
  summary=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['summary'], r['params'])" \
    "$work/run_$name/result.json" 2>/dev/null || echo "? ?")
  b=${burn[$name]}; t=${torch[$name]:-}
  ratio=$( [[ -n $t && $b != error ]] && python3 -c "print('%.2f' % ($b / $t))" || echo -)
  [[ $ratio != - ]] && ratios+=("$ratio")
  mark=$([[ $name == *_adapted ]] && echo '*' || echo '')
  printf '%-5s %-40s %8s %10s %5s %11s %5s %6s\n' "${name%%_*}$mark" "${summary% *}" "${summary##* }" \
    "$b" "${cpu[$name]:--}" "${t:--}" "${torch_cpu[$name]:--}" "$ratio"
done
if ((${#ratios[@]})); then
  python3 -c "import math,sys; r=[float(x) for x in sys.argv[1:]]; print('geometric mean of ratios %.2f, minimum %.2f' % (math.exp(sum(map(math.log, r)) / len(r)), min(r)))" "${ratios[@]}"
fi

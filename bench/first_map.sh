#!/usr/bin/env bash
# Time to a first map: the same 30 REMAP-sampled nets (seed 7) on 10,000 generated sketches
# (10 classes × 1,000, 20 % held out: 8,000 training images) with REMAP's protocol (spec §5,
# at most 10 epochs), three ways:
#   (a) remap, one job at a time, no screening (REMAP's behaviour),
#   (b) remap's default: parallel jobs and screening by successive halving (rungs 1, 3, 10),
#   (c) where PyTorch is installed, bench/first_map_torch.py: the same nets, data, protocol and
#       threads trained one after another, as a user would write it instead.
# Prints one Markdown table (for the README): wall time until every model has an accuracy
# (polled every 2 s), until all models are final (the run's exit), models per hour, and for (b)
# screening's quality: Spearman's ρ between rung-1 (epoch-1) and final held-out accuracy, both
# from (a)'s curves (training is deterministic, so that is what rung 1 sees), and how many of
# (a)'s top 5 by final accuracy (b) kept to the end; then (b)/(a) and the acceptance targets.
#
# Usage: bench/first_map.sh [--device cpu|gpu|auto] [--models N] [--per-class N] [--epochs N]
#                           [--max-params N] [--keep DIR]
# (defaults cpu, 30, 1000, 10 and the sampler's own cap: the benchmark; smaller values for a
# shorter run — on a 2-core CPU (a) alone takes well over an hour at the defaults, one sampled
# 531k-parameter conv net training at 54 s per epoch).
# --keep DIR copies the raw results there: {a,b}.status.jsonl (final `session status --json`),
# {a,b}.times, c.json (PyTorch's per-net curves and times) and the logs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
device=cpu models=30 per_class=1000 epochs=10 seed=7 keep= max_params=()
while (($#)); do
  case $1 in
    --device) device=$2 ;;
    --models) models=$2 ;;
    --per-class) per_class=$2 ;;
    --epochs) epochs=$2 ;;
    --max-params) max_params=(--max-params "$2") ;;
    --keep) keep=$2 ;;
    *) echo "unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
# The same target directory as the Makefile, so the benches reuse what `make test` built.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/remap/target}
target=$CARGO_TARGET_DIR
work=$(mktemp -d)
trap 'if [[ -n $keep ]]; then mkdir -p "$keep" && cp "$work"/*.jsonl "$work"/*.times "$work"/*.json "$work"/*.log "$keep"/ 2>/dev/null || true; fi; rm -rf "$work"' EXIT

# The whole workspace, as the tests build it: building single packages would unify features
# differently and recompile burn.
(cd "$root" && cargo build -q --workspace --bins --examples)
remap=$target/debug/remap

# Succeeds when stdin (status --json) lists $models models and each has an accuracy or has
# ended without one (failed, cancelled, diverged before its first epoch).
all_have_accuracy() {
  python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
ended = ("failed", "cancelled", "diverged")
sys.exit(not (len(rows) == int(sys.argv[1])
              and all(r["val_accuracy"] is not None or r["status"] in ended for r in rows)))' "$models"
}

seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# measure NAME SCREENING JOBS: creates the session, trains it in the background while polling
# its status; writes $work/NAME.times ("<every model has an accuracy> <all final>", seconds
# since `run` started) and $work/NAME.status.jsonl (the final status).
measure() {
  local name=$1 screening=$2 jobs=$3
  local db="sqlite://$work/$name.db" first= start runner end rc
  "$remap" session new "$name" --models "$models" --seed "$seed" --per-class "$per_class" \
    --epochs "$epochs" --screening "$screening" --device "$device" "${max_params[@]}" --db "$db" \
    2>"$work/$name.new.log" \
    || { cat "$work/$name.new.log" >&2; exit 1; }
  start=$EPOCHREALTIME
  (
    rc=0
    "$remap" session run "$name" --jobs "$jobs" --db "$db" 2>"$work/$name.run.log" || rc=$?
    echo "$EPOCHREALTIME $rc" >"$work/$name.end"
  ) &
  runner=$!
  while :; do
    sleep 2
    [[ -e $work/$name.end ]] && break
    if [[ -z $first ]] &&
      "$remap" session status "$name" --json --db "$db" 2>/dev/null | all_have_accuracy; then
      first=$(seconds_since "$start")
    fi
  done
  wait "$runner"
  read -r end rc <"$work/$name.end"
  if ((rc != 0)); then
    echo "($name) remap session run exited with $rc:" >&2
    tail -n 20 "$work/$name.run.log" >&2
    exit 1
  fi
  local final
  final=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  "$remap" session status "$name" --json --db "$db" >"$work/$name.status.jsonl"
  # The last first accuracy came between the last poll and the exit: the exit bounds it.
  if [[ -z $first ]] && all_have_accuracy <"$work/$name.status.jsonl"; then first=$final; fi
  echo "${first:-nan} $final" >"$work/$name.times"
  echo "($name) every model has an accuracy after ${first:-?} s, all final after $final s" >&2
}

measure a off 1
measure b halving auto

torch_note="PyTorch not installed: (c) skipped"
if python3 -c "import torch, numpy" 2>/dev/null; then
  "$target/debug/examples/export_data" sketches "$per_class" "$work/data"
  if [[ -e $work/data/train/meta.json && -e $work/data/held_out/meta.json ]]; then
    # (a)'s architectures, in its queue (id) order, one file per hash.
    mkdir "$work/arch"
    python3 - "$work/a.status.jsonl" "$work/arch" >"$work/arch.list" <<'PY'
import json, sys
rows = sorted((json.loads(l) for l in open(sys.argv[1]) if l.strip()), key=lambda r: r["id"])
for r in rows:
    path = f"{sys.argv[2]}/{r['hash']}.json"
    json.dump(r["architecture"], open(path, "w"))
    print(path)
PY
    mapfile -t archs <"$work/arch.list"
    python3 "$root/bench/first_map_torch.py" "$work/data" "${archs[@]}" --epochs "$epochs" \
      --threads "$(nproc)" --seed "$seed" --device "$([[ $device == gpu ]] && echo cuda || echo cpu)" \
      >"$work/c.json" 2>"$work/c.log" || { tail -n 20 "$work/c.log" >&2; exit 1; }
    torch_note=
  else
    torch_note="export_data wrote no train/ and held_out/ split: (c) skipped"
  fi
fi

python3 - "$work" "$models" "$(nproc)" "$device" "$torch_note" <<'PY'
import json, math, os, sys

work, models, cores, device, torch_note = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def rows(name):
    return [json.loads(l) for l in open(f"{work}/{name}.status.jsonl") if l.strip()]


def times(name):
    first, final = open(f"{work}/{name}.times").read().split()
    return float(first), float(final)


def ranks(values):
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(x, y):
    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    var = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    return cov / var if var else float("nan")


a, b = rows("a"), rows("b")
a_by, b_by = {r["hash"]: r for r in a}, {r["hash"]: r for r in b}
if set(a_by) != set(b_by) or len(a_by) != models:
    sys.exit(f"(a) and (b) did not sample the same {models} nets: {len(set(a_by) & set(b_by))} hashes in common")
notes = []

# (a)'s final accuracy of each model that trained to its end.
final = {h: r["val_accuracy"] for h, r in a_by.items() if r["status"] == "done" and r["val_accuracy"] is not None}
if len(final) < models:
    notes.append(f"(a): {models - len(final)} models did not finish ({', '.join(sorted({str(r['status']) for r in a if r['hash'] not in final}))})")
if all("curve" in r for r in a):
    pairs = [(a_by[h]["curve"][0], f) for h, f in final.items() if a_by[h]["curve"]]
    rho = spearman(*zip(*pairs)) if len(pairs) > 1 else float("nan")
    rho_text = f"{rho:.2f} (n = {len(pairs)})"
else:
    rho_text = "n/a (status has no `curve`)"
top5 = sorted(final, key=lambda h: (-final[h], h))[:5]
if all("screened" in r for r in b):
    kept = sum(not b_by[h]["screened"] for h in top5)
    kept_text = f"{kept} / {len(top5)}"
    screened = sum(bool(r["screened"]) for r in b)
    notes.append(f"(b) screened out {screened} of {models} models")
    # Screening promises that a promoted model ends where an unscreened run would.
    same = [abs(b_by[h]["val_accuracy"] - final[h]) for h in final
            if not b_by[h]["screened"] and b_by[h]["status"] == "done" and b_by[h]["val_accuracy"] is not None]
    if same:
        notes.append(f"(b) vs (a) final accuracy of the {len(same)} models (b) trained to the end: max |Δ| {max(same):.4f}")
else:
    kept, kept_text = None, "n/a (status has no `screened`)"

ways = {"a": times("a"), "b": times("b")}
c = None
if os.path.exists(f"{work}/c.json"):
    c = json.load(open(f"{work}/c.json"))
    ways["c"] = (c["first_map_seconds"] or float("nan"), c["total_seconds"])
    c_final = {m["hash"]: m["val_accuracy"] for m in c["models"] if m["val_accuracy"] is not None}
    common = [h for h in final if h in c_final]
    if common:
        notes.append(f"mean final accuracy of the {len(common)} nets both finished: (a) {sum(final[h] for h in common) / len(common):.4f}, "
                     f"(c) {sum(c_final[h] for h in common) / len(common):.4f}")
    wrong = [h for h in a_by for m in c["models"] if m["hash"] == h and m["params"] != a_by[h]["params"]]
    if wrong:
        notes.append(f"(c): {len(wrong)} PyTorch nets have another parameter count than remap's")
    notes.append(f"(c): PyTorch {c['torch']}, {c['threads']} threads, {c['train_images']} training and "
                 f"{c['held_out_images']} held-out images; {c['ready_seconds']:.1f} s of it importing torch and loading the data")


def duration(s):
    return "–" if math.isnan(s) else f"{s:,.0f} s ({s / 60:.1f} min)"


def per_hour(s):
    return f"{models / (s / 3600):,.0f}"


def share(x, y):
    return "–" if math.isnan(x) or math.isnan(y) else f"{100 * x / y:.0f} %"


labels = {
    "a": "(a) remap, one job, no screening",
    "b": "(b) remap default: parallel jobs, screening (rungs 1, 3, 10)",
    "c": "(c) PyTorch script, one net after another",
}
print(f"{models} nets, {cores} cores, remap on {device}")
print()
print("| way | every model has an accuracy | all models final | models per hour | ρ rung 1 vs final | true top 5 kept |")
print("|---|---:|---:|---:|---:|---:|")
for key, (first, total) in ways.items():
    rho_cell, kept_cell = (rho_text, kept_text) if key == "b" else ("", "")
    print(f"| {labels[key]} | {duration(first)} | {duration(total)} | {per_hour(total)} | {rho_cell} | {kept_cell} |")
(af, at), (bf, bt) = ways["a"], ways["b"]
print(f"| (b) / (a) | {share(bf, af)} | {share(bt, at)} | {at / bt:.1f}× | | |")
if "c" in ways:
    cf, ct = ways["c"]
    print(f"| (b) / (c) | {share(bf, cf)} | {share(bt, ct)} | {ct / bt:.1f}× | | |")
print("| target for (b) | ≤ 35 % of (a) | ≤ 50 % of (a) | | | ≥ 4 / 5 |")
print()
targets = [
    ("every model has an accuracy ≤ 35 % of (a)", not math.isnan(bf) and bf <= 0.35 * af),
    ("all final ≤ 50 % of (a)", bt <= 0.5 * at),
    ("≥ 4 of the true top 5 kept", kept is not None and kept >= 4),
]
print("Targets: " + "; ".join(f"{text}: {'met' if ok else 'NOT met'}" for text, ok in targets) + ".")
for note in notes + ([torch_note] if torch_note else []):
    print(f"- {note}")
PY

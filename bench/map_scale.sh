#!/usr/bin/env bash
# Maps of any size (issue 30): architectures sampled by `remap sample` (REMAP's search space,
# 28x28x1, 10 classes, seed 30) at each n, laid out by `remap map` with landmark MDS, and at
# n ≤ 2,000 by full SMACOF too. Prints one Markdown table: for each n the landmark layout's
# wall time and peak RSS (GNU time: architectures read, OTMANN networks built, distances,
# layout, stress estimate, JSON written), its normalised stress (Kruskal's stress-1) and that of
# full SMACOF:
#   - n ≤ 2,000: the landmark layout's exact stress (all pairs) against full SMACOF on the same
#     nets;
#   - n > 2,000: the landmark layout's stress over 100,000 sampled pairs against full SMACOF on
#     2,000 of the nets (the sampler's draws are independent, so the first 2,000 are a random
#     subset): the subsampled n×n check.
# CPU time is user + system over all threads: on a loaded machine the wall clock is inflated by
# other work, and CPU time / cores estimates the wall time on idle cores.
# Targets: 100k nets in ≤ 120 s and ≤ 2 GB peak RSS; landmark stress ≤ 1.2× full SMACOF at
# 2,000 nets.
#
# Usage: bench/map_scale.sh [--sizes "1000 2000 10000 100000"] [--landmarks L]
#                           [--metric otmann-normalized|otmann] [--keep DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes="1000 2000 10000 100000" landmarks=100 metric=otmann-normalized keep=
while (($#)); do
  case $1 in
    --sizes) sizes=$2 ;;
    --landmarks) landmarks=$2 ;;
    --metric) metric=$2 ;;
    --keep) keep=$2 ;;
    *) echo "unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
[[ -x /usr/bin/time ]] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
# The same target directory as the Makefile, so the bench reuses what `make test` built.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/remap/target}
work=$(mktemp -d)
trap 'if [[ -n $keep ]]; then mkdir -p "$keep" && cp "$work"/* "$keep"/ 2>/dev/null || true; fi; rm -rf "$work"' EXIT
# The whole workspace, as the tests build it: building single packages would unify features
# differently and recompile burn.
(cd "$root" && cargo build -q --workspace --bins)
remap=$CARGO_TARGET_DIR/debug/remap
full_up_to=2000

# Runs `remap map` under GNU time; sets $wall and $cpu (user + system, s), $rss (MB), $stress.
timed_map() {
  local nets=$1 out=$2 log=$3; shift 3
  /usr/bin/time -v "$remap" map "$nets" --metric "$metric" --out "$out" "$@" 2>"$log" \
    || { cat "$log" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$log")
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { printf "%.1f", s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  stress=$(jq '.stress' "$out")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
fmt() { awk -v a="$1" 'BEGIN { printf "%.4f", a }'; }

rows=()
for n in $sizes; do
  nets=$work/nets-$n.jsonl
  "$remap" sample --input 28x28x1 --classes 10 --count "$n" --seed 30 >"$nets" 2>/dev/null
  distinct=$(jq -r '.hash' "$nets" | sort -u | wc -l)
  if ((n <= full_up_to)); then
    pairs=$((n * (n - 1) / 2))
    timed_map "$nets" "$work/landmarks-$n.json" "$work/landmarks-$n.log" \
      --landmarks "$landmarks" --stress-pairs "$pairs"
    l_wall=$wall l_cpu=$cpu l_rss=$rss l_stress=$stress
    timed_map "$nets" "$work/full-$n.json" "$work/full-$n.log"
    check="exact, all pairs"
  else
    timed_map "$nets" "$work/landmarks-$n.json" "$work/landmarks-$n.log" --landmarks "$landmarks"
    l_wall=$wall l_cpu=$cpu l_rss=$rss l_stress=$stress
    head -n "$full_up_to" "$nets" >"$work/subsample-$n.jsonl"
    timed_map "$work/subsample-$n.jsonl" "$work/full-$n.json" "$work/full-$n.log"
    check="100k sampled pairs vs SMACOF on $full_up_to"
  fi
  rows+=("| $n | $distinct | $l_wall | $l_cpu | $l_rss | $(fmt "$l_stress") | $(fmt "$stress") | $(ratio "$l_stress" "$stress") | $check | $wall | $rss |")
  echo "n = $n done" >&2
done

echo
echo "\`bench/map_scale.sh --sizes \"$sizes\" --landmarks $landmarks --metric $metric\` on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg):"
echo
echo "| n | distinct nets | landmark layout, wall (s) | CPU (s) | peak RSS (MB) | landmark stress | full SMACOF stress | ratio | stress check | full SMACOF (s) | its peak RSS (MB) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"

#!/usr/bin/env bash
# sign-rnn trained both ways (--step fit: DL4J's fit; --step auto: the fast step) for several seeds, to tell a biased
# fast step from chaotic trajectories (the fast step equals fit per step: SignRnnFastStepShadowIT). Accuracies only
# (deterministic per seed, so the machine may be busy; timings are not taken). Needs the jar (scripts/sheetlab builds it).
# Usage: bench/sign_rnn_seed_sweep.sh OUT.tsv SEED...
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$1; shift
tmp=$(mktemp -d)
printf 'seed\tstep\tcell\tepoch\ttrainLoss\ttestAccuracy\n' > "$out"
for seed in "$@"; do
  for step in fit auto; do
    dir=$tmp/s$seed-$step
    "$root/scripts/sheetlab" sign-rnn --quiet --seed "$seed" --step "$step" --output-dir "$dir" > "$dir.log" 2>&1
    for cell in sign tanh; do
      python3 - "$dir/$cell/metrics.json" "$seed" "$step" "$cell" >> "$out" <<'PY'
import json, sys
path, seed, step, cell = sys.argv[1:]
for e in json.load(open(path))["epochs"]:
    print(f"{seed}\t{step}\t{cell}\t{e['epoch']}\t{e['trainLoss']:.4f}\t{e['testAccuracy']:.4f}")
PY
    done
  done
done

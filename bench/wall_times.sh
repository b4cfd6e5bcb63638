#!/usr/bin/env bash
# Wall time of experiments' default runs, before (--step fit: DL4J's fit, what every network trained through before
# issue 20) and after (--step auto, the default: the fast step where it applies), back to back on the same jar.
# Usage: bench/wall_times.sh OUT.tsv EXPERIMENT...   (e.g. final-q5 moe recall-first init mc-dropout sign-rnn)
# Each run goes to a fresh folder under $TMPDIR; the TSV gets experiment, step, wall seconds, the process's CPU seconds
# (user + system, from /usr/bin/time), exit code and the data rows of summary.txt. Run on a quiet machine (nothing else
# on the cores), one experiment at a time; on a shared machine the CPU seconds are the steadier figure of the two.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$1; shift
tmp=$(mktemp -d)
printf 'experiment\tstep\twall_s\tcpu_s\texit\tsummary\n' > "$out"
for e in "$@"; do
  for step in fit auto; do
    dir=$tmp/$e-$step
    s=$(date +%s.%N)
    rc=0
    /usr/bin/time -o "$tmp/$e-$step.time" -f '%U %S' \
      "$root/scripts/sheetlab" "$e" --quiet --step "$step" --output-dir "$dir" > "$tmp/$e-$step.log" 2>&1 || rc=$?
    w=$(echo "$(date +%s.%N) - $s" | bc)
    c=$(tail -n 1 "$tmp/$e-$step.time" | awk '{printf "%.1f", $1 + $2}')
    row=$(sed -n '2,$p' "$dir/summary.txt" 2>/dev/null | tr -s ' ' | paste -sd ';' - || true)
    printf '%s\t%s\t%.1f\t%s\t%s\t%s\n' "$e" "$step" "$w" "$c" "$rc" "$row" | tee -a "$out"
  done
done

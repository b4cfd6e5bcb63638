#!/usr/bin/env bash
# Wall time of experiments' default runs, before (--step fit: DL4J's fit, what every network trained through before
# issue 20) and after (--step auto, the default: the fast step where it applies), back to back on the same jar.
# Usage: bench/wall_times.sh OUT.tsv EXPERIMENT...   (e.g. final-q5 moe recall-first init mc-dropout sign-rnn)
# An EXPERIMENT may carry its own options after commas, e.g. pooling,--epochs,1 (one epoch of each variant) or
# pooling,--variants,max; the TSV's first column then shows them.
# Each run goes to a fresh folder under $TMPDIR; the TSV gets experiment, step, wall seconds, the process's CPU seconds
# (user + system, from /usr/bin/time), exit code and the data rows of summary.txt. Run on a quiet machine (nothing else
# on the cores), one experiment at a time; on a shared machine the CPU seconds are the steadier figure of the two.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$1; shift
tmp=$(mktemp -d)
printf 'experiment\tstep\twall_s\tcpu_s\texit\tsummary\n' > "$out"
for spec in "$@"; do
  IFS=, read -r -a parts <<< "$spec"
  e=${parts[0]}
  extra=("${parts[@]:1}")
  tag=$(printf '%s' "$spec" | tr -c 'A-Za-z0-9_.-' '_')
  for step in fit auto; do
    dir=$tmp/$tag-$step
    s=$(date +%s.%N)
    rc=0
    /usr/bin/time -o "$tmp/$tag-$step.time" -f '%U %S' \
      "$root/scripts/sheetlab" "$e" "${extra[@]}" --quiet --step "$step" --output-dir "$dir" \
      > "$tmp/$tag-$step.log" 2>&1 || rc=$?
    w=$(echo "$(date +%s.%N) - $s" | bc)
    c=$(tail -n 1 "$tmp/$tag-$step.time" | awk '{printf "%.1f", $1 + $2}')
    row=$(sed -n '2,$p' "$dir/summary.txt" 2>/dev/null | tr -s ' ' | paste -sd ';' - || true)
    printf '%s\t%s\t%.1f\t%s\t%s\t%s\n' "$spec" "$step" "$w" "$c" "$rc" "$row" | tee -a "$out"
  done
done

#!/usr/bin/env bash
# Translation speed of the shipped model (float32, batch 1, one sentence at a
# time): sentences per second and ms per decoder step, greedy and beam 4, on
# the first N lines of the test set (all 1458 by default).
#   scripts/bench_translate.sh [N] [THREADS]
# THREADS (default 1) sentences run in parallel, one interpreter pair each.
# Run it on a quiet machine: on 2 cores, anything else running skews it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-1458}"
threads="${2:-1}"
octet="$repo/build/octet"
[[ -x "$octet" ]] || { echo "build octet first (scripts/build.sh or /work/briefs/build.sh)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$octet" import-marian "$repo/models/opus-mt-en-de-octet" "$work/model" >/dev/null
head -n "$n" "$repo/models/data/test.en" > "$work/input.en"
printf '%-8s %10s %12s %12s %14s\n' search sentences "sentences/s" "ms/step" "steps"
for beam in 1 4; do
  "$octet" translate "$work/model" --input "$work/input.en" --output "$work/out.$beam.de" --beam "$beam" \
    --threads "$threads" 2> "$work/log.$beam"
  line="$(grep '^translate:' "$work/log.$beam")"
  sps="$(sed -n 's/.* \([0-9.]*\) sentences\/s.*/\1/p' <<< "$line")"
  steps="$(sed -n 's/.*; \([0-9]*\) decoder steps.*/\1/p' <<< "$line")"
  msps="$(sed -n 's/.* \([0-9.]*\) ms\/step.*/\1/p' <<< "$line")"
  printf '%-8s %10s %12s %12s %14s\n' "$([[ $beam == 1 ]] && echo greedy || echo beam$beam)" "$n" "$sps" "$msps" "$steps"
done

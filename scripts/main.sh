#!/usr/bin/env bash
# The main job: set up, build, then take the model this repo ships — the
# English→German Marian translation model in models/opus-mt-en-de-octet,
# trained by training/ — through octet: import it into encoder.tflite +
# decoder_step.tflite, and run the doctor on it: every row of the ladder
# (fp32, dynamic-range, a generic converter's naive int8, octet's int8 and
# 16x8, the boundary rows) built, calibrated on the dev set and measured on
# the held-out test set (BLEU, chrF, first-step source sensitivity, repeats,
# precision of the ops, size, speed), with a verdict naming the causes.
#   scripts/main.sh [N]   the first N test sentences (default 100; 0: all 1,458)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
"$repo/scripts/build.sh" release >/dev/null
octet="$repo/build/octet"
out="$repo/out/main"
rm -rf "$out"; mkdir -p "$out"
n="${1:-100}"
start=$(date +%s)

echo "=== import: models/opus-mt-en-de-octet → encoder.tflite + decoder_step.tflite"
"$octet" import-marian "$repo/models/opus-mt-en-de-octet" "$out/marian"

echo "=== doctor: the ladder on ${n/#0/all} test sentences (calibration: the dev set)"
data="$repo/models/data"
"$octet" doctor "$out/marian" --test "$data/test.en" "$data/test.de" --calib "$data/dev.en" "$data/dev.de" \
  --lines "$n" --out "$out/doctor"
echo "main: done in $(( $(date +%s) - start )) s (report: ${out#$repo/}/doctor/report.html)"

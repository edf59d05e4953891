#!/usr/bin/env bash
# octet vs LiteRT float latency on the same model and the same input, in one
# run on this machine: median of N invokes after a warm-up, and the ratio
# octet / LiteRT (below 1.0: octet is faster). LiteRT's wasm build runs on one
# thread, so the ratio is taken with octet on one thread too; octet on every
# core is shown beside it.
#   scripts/bench_float.sh [N] [MODEL_NAME ...]
# Run it on a quiet machine: on 2 cores, anything else running skews both.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-50}"; shift || true
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(selfie_segmentation face_detection_short_range face_detection_full_range hand_landmark_lite pose_landmark_lite)
[[ -x "$repo/build/octet" ]] || "$repo/scripts/build.sh" release >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
median() { sed -n 's/.*latency_ms median=\([0-9.]*\).*/\1/p' | tail -1; }
printf '%-30s %14s %14s %12s %8s\n' model "octet 1T ms" "octet all ms" "LiteRT ms" ratio
for name in "${models[@]}"; do
  model="$repo/.cache/models/$name.tflite"
  octet_ms="$("$repo/build/octet" run "$model" --random-inputs 1 --output-dir "$out/$name" --repeat "$n" --threads 1 | median)"
  octet_all_ms="$("$repo/build/octet" run "$model" --random-inputs 1 --output-dir "$out/$name.all" --repeat "$n" | median)"
  inputs=()
  for f in "$out/$name"/inputs/input_*.npy; do inputs+=(--input "$f"); done
  litert_ms="$(node "$repo/tests/oracle/litert_run.mjs" --model "$model" "${inputs[@]}" --output-dir "$out/$name/litert" --repeat "$n" | median)"
  printf '%-30s %14.3f %14.3f %12.3f %8.2f\n' "$name" "$octet_ms" "$octet_all_ms" "$litert_ms" "$(awk -v a="$octet_ms" -v b="$litert_ms" 'BEGIN { print a / b }')"
done

#!/usr/bin/env bash
# The main job, for now: set up, build, then take a real MediaPipe model
# (selfie_segmentation, fetched by setup.sh) through octet — inspect it, run
# it on a real photo and on seeded random inputs — run the same inputs in the
# real LiteRT runtime and compare the outputs. Exits non-zero on a mismatch.
#   scripts/main.sh [MODEL_NAME ...]   (default: selfie_segmentation face_detection_short_range)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
"$repo/scripts/build.sh" release >/dev/null
octet="$repo/build/octet"
out="$repo/out/main"
rm -rf "$out"; mkdir -p "$out"
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(selfie_segmentation face_detection_short_range)

for name in "${models[@]}"; do
  model="$repo/.cache/models/$name.tflite"
  echo "=== $name"
  "$octet" inspect "$model"
  for seed in 1 photo; do
    dir="$out/$name/$seed"
    mkdir -p "$dir"
    if [[ $seed == photo ]]; then
      # A real photo (astronaut.png from Debian's python3-skimage), resized to the input.
      "$repo/build/tests/octet_photo_input" "$model" "$repo/.cache/photos/astronaut.png" "$dir/photo.npy"
      echo "--- input: astronaut.png"
      "$octet" run "$model" --input "0=$dir/photo.npy" --output-dir "$dir/octet" --repeat 20 | sed 's/^/octet   /'
    else
      echo "--- input: random, seed $seed"
      "$octet" run "$model" --random-inputs "$seed" --output-dir "$dir/octet" --repeat 20 | sed 's/^/octet   /'
    fi
    inputs=()
    for f in "$dir"/octet/inputs/input_*.npy; do inputs+=(--input "$f"); done
    node "$repo/tests/oracle/litert_run.mjs" --model "$model" "${inputs[@]}" --output-dir "$dir/litert" --repeat 20 | sed 's/^/LiteRT  /'
    "$octet" compare "$dir/octet" "$dir/litert" --tolerance 1e-4
  done
done
echo "main: octet and LiteRT agree on ${models[*]} (outputs in ${out#$repo/}/)"

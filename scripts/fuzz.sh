#!/usr/bin/env bash
# Builds the .tflite loader's libFuzzer target (clang, ASan + UBSan) and runs
# it for SECONDS (default 300). The corpus starts from small builder-made
# models and the MediaPipe models that fit in MAX_LEN; what libFuzzer finds
# new is kept in build-fuzz/fuzz-corpus/loader for the next run. Exits non-zero
# when libFuzzer finds a crash, a leak, a timeout or a round-trip bug; the
# input that caused it is left in build-fuzz/fuzz-artifacts/.
#
# Usage: scripts/fuzz.sh [SECONDS] [loader|plan|npy|metrics]   (default: 300 loader)
#   plan loads, plans the interpreter (every kernel's prepare) and invokes once;
#   npy fuzzes the .npy reader, from a few hand-made .npy seeds;
#   metrics fuzzes `octet eval`'s text path (UTF-8, tokenizers, BLEU, chrF++).
#   OCTET_FUZZ_BUILD  build folder (default <repo>/build-fuzz)
#   OCTET_FUZZ_JOBS   make -j (default 2)
set -euo pipefail

seconds=${1:-300}
target=${2:-loader}
case "$target" in loader|plan|npy|metrics) ;; *) echo "fuzz.sh: unknown target '$target' (loader, plan, npy or metrics)" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
build=${OCTET_FUZZ_BUILD:-$root/build-fuzz}
jobs=${OCTET_FUZZ_JOBS:-2}
# Large enough for the smaller MediaPipe files; the builder seeds (about 1 KB)
# keep most executions fast.
max_len=300000

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DOCTET_FUZZ=ON -DOCTET_BUILD_TESTS=OFF \
  -DOCTET_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target loader_fuzz plan_fuzz npy_fuzz metrics_fuzz make_fuzz_seeds

if [ "$target" = npy ]; then
  seeds=$build/fuzz-seeds/npy
  corpus=$build/fuzz-corpus/npy
  rm -rf "$seeds"
  mkdir -p "$seeds" "$corpus" "$build/fuzz-artifacts"
  # .npy version 1.0: magic, version, header length (little-endian u16), header, data.
  npy() {  # npy FILE 'HEADER-DICT' DATA-BYTES(printf escapes)
    local header="$2"
    local pad=$(( (64 - (10 + ${#header} + 1) % 64) % 64 ))
    header="$header$(printf '%*s' "$pad" '')"$'\n'
    local len=${#header}
    { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8)))";
      printf '%s' "$header"; printf "$3"; } >"$seeds/$1"
  }
  npy f4.npy "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" '\x00\x00\x80\x3f\x00\x00\x00\x40'
  npy i1.npy "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 3), }" '\x01\x02\xff'
  npy b1.npy "{'descr': '|b1', 'fortran_order': False, 'shape': (), }" '\x01'
  exec "$build/fuzz/npy_fuzz" "$corpus" "$seeds" -max_total_time="$seconds" -max_len=4096 \
    -timeout=25 -rss_limit_mb=2048 -artifact_prefix="$build/fuzz-artifacts/" -print_final_stats=1
fi

if [ "$target" = metrics ]; then
  seeds=$build/fuzz-seeds/metrics
  corpus=$build/fuzz-corpus/metrics
  rm -rf "$seeds"
  mkdir -p "$seeds" "$corpus" "$build/fuzz-artifacts"
  # Hypotheses, a NUL, references; and the shipped test set's first lines.
  printf 'The dog bit the man.\nIt was not surprising.\0The dog had bit the man.\nNo one was surprised.\n' >"$seeds/en"
  { head -c 1500 "$root/models/data/test.de"; printf '\0'; head -c 1500 "$root/models/data/dev.de"; } >"$seeds/de"
  exec "$build/fuzz/metrics_fuzz" "$corpus" "$seeds" -max_total_time="$seconds" -max_len=4096 \
    -timeout=25 -rss_limit_mb=2048 -artifact_prefix="$build/fuzz-artifacts/" -print_final_stats=1
fi

seeds=$build/fuzz-seeds/loader
corpus=$build/fuzz-corpus/$target
artifacts=$build/fuzz-artifacts
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts"
"$build/fuzz/make_fuzz_seeds" "$seeds"
shopt -s nullglob
for model in "$root"/.cache/models/*.tflite; do
  if [ "$(stat -c %s "$model")" -le "$max_len" ]; then cp "$model" "$seeds/"; fi
done
echo "fuzz.sh: $(ls "$seeds" | wc -l) seeds, $(ls "$corpus" | wc -l) inputs kept from earlier runs"

# New inputs go to the first folder; the seeds folder is only read.
"$build/fuzz/${target}_fuzz" "$corpus" "$seeds" \
  -max_total_time="$seconds" -max_len="$max_len" -timeout=25 -rss_limit_mb=2048 \
  -artifact_prefix="$artifacts/" -print_final_stats=1

#!/usr/bin/env bash
# int8 against float on the matrix-product ops (FULLY_CONNECTED, BATCH_MATMUL,
# CONV_2D through the interpreter, and the products alone), on 1 and 2
# threads: builds the benchmark, runs it and prints its table (time, GOPS,
# share of the VNNI and AVX2 peaks at the measured clock, float / int8).
#   scripts/bench_int8.sh [REGEX]     REGEX narrows the rows (--benchmark_filter)
# Run it on a quiet machine: the table takes each row's fastest run, which
# survives a little load, but two-thread rows need both cores free.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$repo/build"
cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DOCTET_BUILD_BENCH=ON >/dev/null
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! cmake --build "$dir" -j "$(nproc)" --target octet_int8_bench >"$log" 2>&1; then
  grep -E -A5 "error" "$log" | head -40 >&2
  echo "bench_int8.sh: the build failed" >&2
  exit 1
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$dir/bench/octet_int8_bench" --benchmark_filter="${1:-.}" >"$log" 2>/dev/null
sed -n '/^core clock/,$p' "$log"

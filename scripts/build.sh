#!/usr/bin/env bash
# Configures and builds octet. Usage: scripts/build.sh [release|asan|fuzz]
#   release → build/        (the CLI, the library, the tests, the benchmarks)
#   asan    → build-asan/   (AddressSanitizer + UndefinedBehaviorSanitizer; tests only)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-release}"
jobs="$(nproc)"
case "$kind" in
  release) dir="$repo/build"; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir="$repo/build-asan"; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCTET_SANITIZE=ON -DOCTET_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown build '$kind' (release or asan)" >&2; exit 2 ;;
esac
cmake -S "$repo" -B "$dir" "${flags[@]}" >/dev/null
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! cmake --build "$dir" -j "$jobs" >"$log" 2>&1; then
  grep -E -A5 "error" "$log" | head -80 >&2
  echo "build.sh: the $kind build failed (full log above is cut at 80 lines)" >&2
  exit 1
fi
echo "built $kind in ${dir#$repo/}/"

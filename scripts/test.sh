#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), builds, and runs every test: the
# whole suite on the release build (unit, golden, LiteRT-oracle and
# MediaPipe end-to-end tests), then the same suite built with
# AddressSanitizer + UndefinedBehaviorSanitizer — except the end-to-end suites
# named *Slow (whole test sets through LiteRT), which would take hours under
# the sanitizers and exercise no code the other suites do not.
#   OCTET_SKIP_ASAN=1  skips the sanitizer pass (quicker local runs)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
"$repo/scripts/build.sh" release
(cd "$repo/build" && ctest --output-on-failure -j 2 --timeout 1800)
if [[ "${OCTET_SKIP_ASAN:-0}" != 1 ]]; then
  "$repo/scripts/build.sh" asan
  (cd "$repo/build-asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2 --timeout 3600 -E 'Slow\.')
fi

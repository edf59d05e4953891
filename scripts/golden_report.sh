#!/usr/bin/env bash
# Runs the golden tests (octet's integer kernels against LiteRT, one-op models)
# and prints, per op, how many cases are bit-exact and every case that is
# not, with its maximum difference and the reason it is allowed.
# Usage: scripts/golden_report.sh [gtest filter, default Golden*]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
filter="${1:-Golden*}"
[ -x "$repo/build/tests/octet_tests" ] || "$repo/scripts/build.sh" release
table="$repo/build/test_scratch/golden/differences.tsv"
rm -f "$table"
status=0
"$repo/build/tests/octet_tests" --gtest_filter="$filter" >"$repo/build/test_scratch/golden_report.log" 2>&1 || status=$?
if [ ! -s "$table" ]; then
  tail -20 "$repo/build/test_scratch/golden_report.log" >&2
  echo "golden_report: no golden cases ran (is the LiteRT oracle installed? scripts/setup.sh)" >&2
  exit 1
fi
awk -F'\t' '
  { cases[$1]++; if ($3 == 0) exact[$1]++; if ($3 > maxd[$1]) maxd[$1] = $3;
    if ($3 > 0) diffs[++nd] = sprintf("  %-18s %-52s max|Δ| %s (%s of %s elements; allowed %s: %s)", $1, $2, $3, $4, $5, $6, $7) }
  END {
    printf "%-20s %6s %10s %8s\n", "op", "cases", "bit-exact", "max|Δ|";
    n = 0; for (op in cases) ops[++n] = op;
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ops[j] < ops[i]) { t = ops[i]; ops[i] = ops[j]; ops[j] = t }
    for (i = 1; i <= n; i++) printf "%-20s %6d %10d %8d\n", ops[i], cases[ops[i]], exact[ops[i]], maxd[ops[i]];
    if (nd) { print ""; print "cases that differ from LiteRT (XNNPACK runs them; see reasons):"; for (i = 1; i <= nd; i++) print diffs[i] }
  }' "$table"
if [ "$status" -ne 0 ]; then
  grep -E "Failure|FAILED" -A3 "$repo/build/test_scratch/golden_report.log" | head -40 >&2
  echo "golden_report: some golden tests failed (log: build/test_scratch/golden_report.log)" >&2
fi
exit "$status"

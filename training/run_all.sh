#!/bin/sh
# End-to-end recipe for models/opus-mt-en-de-octet: catalogs -> corpus -> SentencePiece ->
# training -> export -> evaluation. Heavy steps run under nice.
# usage: training/run_all.sh [CACHE]   (default CACHE=/work/cache; env MINUTES=95, MAX_STEPS=0)
# Needs (Debian 12): python3-torch python3-sentencepiece python3-numpy libopenblas0-openmp
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cache=${1:-/work/cache}
py=/usr/bin/python3
out=$repo/models/opus-mt-en-de-octet
data=$repo/models/data
mkdir -p "$cache" "$data"
[ -d "$cache/x" ] || "$here/fetch_catalogs.sh" "$cache"
nice -n 19 $py "$here/corpus.py" "$cache" "$cache/data"
[ -f "$cache/spm/joint.model" ] || nice -n 19 $py "$here/spm_train.py" "$cache/data" "$cache/spm" 7999
nice -n 19 $py "$here/train.py" --data "$cache/data" --spm "$cache/spm" --out "$cache/run" \
  --minutes "${MINUTES:-95}" --max-steps "${MAX_STEPS:-0}"
nice -n 19 $py "$here/export.py" "$cache/run/best.pt" "$cache/spm" "$out"
for s in test dev; do cp "$cache/data/$s.en" "$cache/data/$s.de" "$data/"; done
cp "$cache/data/corpus_stats.json" "$data/"
nice -n 19 $py "$here/evaluate.py" "$out" "$data"
du -sh "$out"

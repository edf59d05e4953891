#!/bin/sh
# Download the Debian packages named in packages.txt and unpack their German gettext
# catalogs (*/de/LC_MESSAGES/*.mo, */de_DE/LC_MESSAGES/*.mo) into CACHE/x/<package>/.
# usage: fetch_catalogs.sh CACHE        (needs apt-get update done; not root-only)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?cache folder}
mkdir -p "$cache/debs" "$cache/x"
cd "$cache/debs"
grep -v '^#' "$here/packages.txt" | grep . | xargs apt-get download
for d in "$cache"/debs/*.deb; do
  p=$(basename "$d" | cut -d_ -f1)
  rm -rf "$cache/x/$p"; mkdir -p "$cache/x/$p"
  dpkg-deb --fsys-tarfile "$d" | tar -x -C "$cache/x/$p" --wildcards \
    '*/de/LC_MESSAGES/*.mo' '*/de_DE/LC_MESSAGES/*.mo' 2>/dev/null || true
done
find "$cache/x" -name '*.mo' | wc -l | sed 's/$/ German .mo files/'

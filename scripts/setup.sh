#!/usr/bin/env bash
# Prepares a Debian 12 machine for building and testing octet. Run as root;
# safe to run again (it only does what is missing) and from any directory.
#
#   1. Debian packages the build and the tests need (apt-get only when one is missing);
#   2. the LiteRT oracle's npm dependencies (tests/oracle, `npm ci` from the lock file);
#   3. real test models: the .tflite files inside MediaPipe's npm packages → .cache/models/;
#   4. real photos from Debian's python3-skimage package → .cache/photos/.
#
# Quiet on success; on failure it prints what it was doing and the tool's own output.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$repo/.cache"
log="$(mktemp)"
work="$(mktemp -d)"
trap 'rm -rf "$log" "$work"' EXIT

# Runs a command with its output kept aside; shows it only when the command fails.
quietly() {
  local what="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    echo "setup.sh: failed while $what: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

# The first existing path among the arguments (a glob's matches), or nothing.
first_existing() {
  local f
  for f in "$@"; do
    if [[ -e "$f" ]]; then echo "$f"; return; fi
  done
}

if [[ "$(id -u)" != 0 ]]; then
  echo "setup.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi

# --- 1. Debian packages -------------------------------------------------------
packages=(cmake g++ clang libclang-rt-14-dev flatbuffers-compiler libflatbuffers-dev libcli11-dev
          nlohmann-json3-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
          libstb-dev libsentencepiece-dev pkg-config
          libarmnn-dev libarmnntfliteparser-dev libarmnn-cpuref-backend22
          chromium)  # headless, for the doctor report test
missing=()
# "ii" = installed; `dpkg -s` alone also succeeds for removed packages whose config files remain.
installed() { [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]; }
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
# Node and npm are checked as commands, not packages: a NodeSource `nodejs` (Node 20) provides npm
# itself and conflicts with Debian's `npm` package, so asking dpkg about `npm` would break it.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

apt_updated=0
apt_update_once() {
  if [[ $apt_updated == 0 ]]; then
    quietly "updating the package lists" apt-get update
    apt_updated=1
  fi
}

if ((${#missing[@]})); then
  apt_update_once
  quietly "installing ${missing[*]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y "${missing[@]}"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 18)); then
  echo "setup.sh: node $(node --version) is too old for the LiteRT oracle (needs 18 or newer; 20 is what it is tested with)" >&2
  exit 1
fi

# --- 2. The LiteRT oracle's node_modules --------------------------------------
# `npm ci` when node_modules is missing or older than the lock file (npm writes its own
# node_modules/.package-lock.json on every install, so that file's age tells).
oracle="$repo/tests/oracle"
if [[ ! -f "$oracle/node_modules/.package-lock.json" ||
      "$oracle/package-lock.json" -nt "$oracle/node_modules/.package-lock.json" ]]; then
  quietly "installing the LiteRT oracle's npm packages" \
    npm ci --prefix "$oracle" --no-audit --no-fund --loglevel=error
fi

# --- 3. Test models from MediaPipe's npm packages ------------------------------
models="$cache/models"
mkdir -p "$models"
for pkg in selfie_segmentation face_detection hands pose; do
  # The stamp lists the models a package gave; all present means nothing to do.
  stamp="$models/.$pkg.models"
  if [[ -s "$stamp" ]]; then
    complete=1
    while IFS= read -r name; do [[ -f "$models/$name" ]] || complete=0; done <"$stamp"
    [[ $complete == 1 ]] && continue
  fi
  tarball="$(first_existing "$models/mediapipe-$pkg-"*.tgz)"
  if [[ -z "$tarball" ]]; then
    # Downloaded aside, then renamed in: an interrupted run never leaves half a tarball to reuse.
    rm -rf "$models/.download" && mkdir -p "$models/.download"
    quietly "downloading @mediapipe/$pkg" \
      npm pack "@mediapipe/$pkg" --pack-destination "$models/.download" --loglevel=error
    fetched="$(first_existing "$models/.download/mediapipe-$pkg-"*.tgz)"
    if [[ -z "$fetched" ]]; then
      echo "setup.sh: npm pack @mediapipe/$pkg gave no tarball" >&2
      exit 1
    fi
    mv "$fetched" "$models/"
    rm -rf "$models/.download"
    tarball="$models/$(basename "$fetched")"
  fi
  rm -rf "$work/pkg" && mkdir -p "$work/pkg"
  quietly "unpacking $tarball" tar -xzf "$tarball" -C "$work/pkg"
  : >"$work/names"
  while IFS= read -r -d '' f; do
    [[ -f "$models/$(basename "$f")" ]] || install -m 0644 "$f" "$models/"
    basename "$f" >>"$work/names"
  done < <(find "$work/pkg" -name '*.tflite' -print0)
  if [[ ! -s "$work/names" ]]; then
    echo "setup.sh: $tarball holds no .tflite file" >&2
    exit 1
  fi
  mv "$work/names" "$stamp"
done

# --- 4. Photos from Debian's scikit-image package ------------------------------
photos="$cache/photos"
wanted=(astronaut.png chelsea.png coffee.png camera.png rocket.jpg motorcycle_left.png motorcycle_right.png)
have_all=1
for p in "${wanted[@]}"; do [[ -f "$photos/$p" ]] || have_all=0; done
if [[ $have_all == 0 ]]; then
  mkdir -p "$photos" "$cache/debs"
  deb="$(first_existing "$cache"/debs/python3-skimage_*.deb)"
  if [[ -z "$deb" ]]; then
    apt-cache show python3-skimage >/dev/null 2>&1 || apt_update_once
    # apt-get download writes into the current directory: an inner shell changes to a download
    # folder (aside, then renamed in, as above). Running as root avoids apt's _apt sandbox warning.
    rm -rf "$cache/debs/.download" && mkdir -p "$cache/debs/.download"
    # shellcheck disable=SC2016  # $1 is expanded by the inner bash
    quietly "downloading python3-skimage" \
      bash -c 'cd "$1" && apt-get download -o APT::Sandbox::User=root python3-skimage' _ \
      "$cache/debs/.download"
    fetched="$(first_existing "$cache"/debs/.download/python3-skimage_*.deb)"
    if [[ -z "$fetched" ]]; then
      echo "setup.sh: apt-get download python3-skimage gave no .deb" >&2
      exit 1
    fi
    mv "$fetched" "$cache/debs/"
    rm -rf "$cache/debs/.download"
    deb="$cache/debs/$(basename "$fetched")"
  fi
  quietly "unpacking $deb" dpkg -x "$deb" "$work/skimage"
  for p in "${wanted[@]}"; do
    src="$(find "$work/skimage" -path '*/skimage/data/*' -name "$p" -print -quit)"
    if [[ -z "$src" ]]; then
      echo "setup.sh: $deb has no skimage/data/$p" >&2
      exit 1
    fi
    install -m 0644 "$src" "$photos/$p"
  done
fi

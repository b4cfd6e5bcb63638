#!/usr/bin/env bash
# Installs the scikit-image sample photos sheetlab's style-transfer experiment uses (astronaut.png, chelsea.png,
# coffee.png): the copies Debian's package python3-skimage ships in /usr/lib/python3/dist-packages/skimage/data/ (as
# root or through password-less sudo), checked against checksums.sha256 next to this script.
#   fetch.sh              install the Debian package (the loader finds the files in its folder)
#   fetch.sh DATA_DIR     also copy the photos into DATA_DIR (the experiments' --data-dir)
# Safe to run twice.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
debian_dir=/usr/lib/python3/dist-packages/skimage/data
declare -A sha=()
files=()
while read -r sum f; do
  if [ -n "${sum:-}" ] && [ "${sum:0:1}" != "#" ]; then sha[${f#\*}]=$sum; files+=("${f#\*}"); fi
done < "$here/checksums.sha256"
if [ ${#files[@]} -eq 0 ]; then echo "fetch.sh: $here/checksums.sha256 lists no files" >&2; exit 2; fi
target=${1:-}

verify() {
  local dir=$1 f sum
  for f in "${files[@]}"; do
    if [ ! -f "$dir/$f" ]; then echo "fetch.sh: $dir/$f is missing" >&2; return 1; fi
    sum=$(sha256sum < "$dir/$f" | cut -c1-64)
    if [ "$sum" != "${sha[$f]}" ]; then
      echo "fetch.sh: $dir/$f has sha256 $sum, expected ${sha[$f]}; delete it (or reinstall python3-skimage) and" \
        "run this again" >&2
      return 1
    fi
  done
  echo "scikit-image photos verified in $dir"
}

complete() {
  local f
  for f in "${files[@]}"; do [ -f "$1/$f" ] || return 1; done
}

if [ -n "$target" ] && complete "$target"; then verify "$target"; exit $?; fi

if ! complete "$debian_dir"; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "fetch.sh: needs apt-get (Debian's python3-skimage ships the photos); or put copies of ${files[*]} into" \
      "\$SHEETLAB_DATA/skimage-photos/ or the --data-dir folder" >&2
    exit 2
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else
      echo "fetch.sh: run as root (or with password-less sudo) to install python3-skimage" >&2; exit 2; fi
  fi
  echo "Installing Debian package python3-skimage (it ships ${files[*]}) ..."
  # wait up to 5 minutes for a package manager that is busy elsewhere instead of failing at once
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-skimage >/dev/null
fi
verify "$debian_dir"
if [ -n "$target" ]; then
  mkdir -p "$target"
  for f in "${files[@]}"; do
    cp "$debian_dir/$f" "$target/$f.part"
    mv -f "$target/$f.part" "$target/$f"
  done
  verify "$target"
fi

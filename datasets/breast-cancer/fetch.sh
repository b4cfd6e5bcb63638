#!/usr/bin/env bash
# Installs the Wisconsin diagnostic breast-cancer data for sheetlab: the copy scikit-learn ships (Debian package
# python3-sklearn, as root or through password-less sudo), checked against checksums.sha256 next to this script.
#   fetch.sh              install the Debian package (the loader finds /usr/lib/python3/dist-packages/sklearn/...)
#   fetch.sh DATA_DIR     also copy breast_cancer.csv into DATA_DIR (the experiments' --data-dir)
# Safe to run twice.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=breast_cancer.csv
debian_file=/usr/lib/python3/dist-packages/sklearn/datasets/data/$name
sha=$(awk -v f="$name" '$2 == f || $2 == "*" f { print $1 }' "$here/checksums.sha256")
if [ -z "$sha" ]; then echo "fetch.sh: $here/checksums.sha256 lists no $name" >&2; exit 2; fi
target=${1:-}

verify() {
  local sum
  sum=$(sha256sum < "$1" | cut -c1-64)
  if [ "$sum" != "$sha" ]; then
    echo "fetch.sh: $1 has sha256 $sum, expected $sha; delete it (or reinstall python3-sklearn) and run this again" >&2
    return 1
  fi
  echo "breast-cancer data verified: $1"
}

if [ -n "$target" ] && [ -f "$target/$name" ]; then verify "$target/$name"; exit $?; fi

if [ ! -f "$debian_file" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "fetch.sh: needs apt-get (Debian's python3-sklearn ships the file); or put a copy of $name into" \
      "\$SHEETLAB_DATA/breast-cancer/ or the --data-dir folder" >&2
    exit 2
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else
      echo "fetch.sh: run as root (or with password-less sudo) to install python3-sklearn" >&2; exit 2; fi
  fi
  echo "Installing Debian package python3-sklearn (it ships $name) ..."
  # wait up to 5 minutes for a package manager that is busy elsewhere instead of failing at once
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-sklearn >/dev/null
fi
verify "$debian_file"
if [ -n "$target" ]; then
  mkdir -p "$target"
  cp "$debian_file" "$target/$name.part"
  mv -f "$target/$name.part" "$target/$name"
  verify "$target/$name"
fi

#!/usr/bin/env bash
# Installs the Wisconsin diagnostic breast-cancer data for sheetlab: the copy scikit-learn ships
# (Debian package python3-sklearn, as root or through password-less sudo), then checks its SHA-256.
set -euo pipefail
file=/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv
sha=fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed
if [ ! -f "$file" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "fetch.sh: needs apt-get (Debian's python3-sklearn ships the file); or set SHEETLAB_BREAST_CANCER to a copy" >&2
    exit 2
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else
      echo "fetch.sh: run as root (or with password-less sudo) to install python3-sklearn" >&2; exit 2; fi
  fi
  echo "Installing Debian package python3-sklearn (it ships breast_cancer.csv) ..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-sklearn >/dev/null
fi
sum=$(sha256sum < "$file" | cut -c1-64)
if [ "$sum" != "$sha" ]; then
  echo "fetch.sh: $file has sha256 $sum, expected $sha; reinstall python3-sklearn" >&2
  exit 1
fi
echo "breast-cancer data verified: $file"

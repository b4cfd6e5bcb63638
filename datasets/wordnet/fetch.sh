#!/usr/bin/env bash
# Installs WordNet 3.0's database for sheetlab (its glosses are the char-lm corpus, its lemmas the attention
# experiment's words): Debian's package wordnet-base (as root or through password-less sudo) into /usr/share/wordnet,
# checked against checksums.sha256 next to this script.
#   fetch.sh              install the Debian package
#   fetch.sh DATA_DIR     also copy the data.* files into DATA_DIR (the experiments' --data-dir)
# Safe to run twice.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
debian_dir=/usr/share/wordnet
target=${1:-}
files=()
declare -A sha=()
while read -r sum f; do
  [ -n "${sum:-}" ] && [ "${sum:0:1}" != "#" ] && { f=${f#\*}; sha[$f]=$sum; files+=("$f"); }
done < "$here/checksums.sha256"

verify() {
  local dir=$1 f sum
  for f in "${files[@]}"; do
    sum=$(sha256sum < "$dir/$f" | cut -c1-64)
    if [ "$sum" != "${sha[$f]}" ]; then
      echo "fetch.sh: $dir/$f has sha256 $sum, expected ${sha[$f]}; delete it (or reinstall wordnet-base) and run this again" >&2
      return 1
    fi
  done
  echo "WordNet verified in $dir"
}

complete() { for f in "${files[@]}"; do [ -f "$1/$f" ] || return 1; done; }

if [ -n "$target" ] && complete "$target"; then verify "$target"; exit $?; fi
if ! complete "$debian_dir"; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "fetch.sh: needs apt-get (Debian's wordnet-base ships the files); or put WordNet 3.0's data.noun, data.verb," \
      "data.adj and data.adv into \$SHEETLAB_DATA/wordnet/ or the --data-dir folder" >&2
    exit 2
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else
      echo "fetch.sh: run as root (or with password-less sudo) to install wordnet-base" >&2; exit 2; fi
  fi
  echo "Installing Debian package wordnet-base ..."
  # wait up to 5 minutes for a package manager that is busy elsewhere instead of failing at once
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq wordnet-base >/dev/null
fi
verify "$debian_dir"
if [ -n "$target" ]; then
  mkdir -p "$target"
  for f in "${files[@]}"; do cp "$debian_dir/$f" "$target/$f"; done
  verify "$target"
fi

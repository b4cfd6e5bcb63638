#!/usr/bin/env bash
# Installs Fashion-MNIST for sheetlab.
#  - Where apt exists (as root or through sudo): Debian's package dataset-fashion-mnist, into
#    /usr/share/datasets/fashion-mnist.
#  - Otherwise: the official files from Zalando Research into ${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/fashion-mnist.
#  - fetch.sh DATA_DIR: into DATA_DIR instead (the experiments' --data-dir): Debian's files copied there, else downloaded.
# Either way the decompressed files are checked against the SHA-256 sums in checksums.sha256 next to this script (the
# Java loader reads the same file and checks them again on every load). Safe to run twice.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha=()
while read -r sum f; do
  [ -n "${sum:-}" ] && [ "${sum:0:1}" != "#" ] && sha[${f#\*}]=$sum
done < "$here/checksums.sha256"
for f in "${files[@]}"; do
  if [ -z "${sha[$f]:-}" ]; then echo "fetch.sh: $here/checksums.sha256 lists no $f" >&2; exit 2; fi
done
debian_dir=/usr/share/datasets/fashion-mnist
target=${1:-}
if [ -n "$target" ]; then
  user_dir=$target
  search=("$target")
else
  user_dir=${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/fashion-mnist
  search=("$user_dir" "$debian_dir")
fi

complete() {
  for f in "${files[@]}"; do [ -f "$1/$f.gz" ] || [ -f "$1/$f" ] || return 1; done
}

verify() {
  local dir=$1 f file sum
  for f in "${files[@]}"; do
    if [ -f "$dir/$f.gz" ]; then file=$dir/$f.gz; sum=$(gzip -dc "$file" | sha256sum | cut -c1-64)
    else file=$dir/$f; sum=$(sha256sum < "$file" | cut -c1-64); fi
    if [ "$sum" != "${sha[$f]}" ]; then
      echo "fetch.sh: $file is corrupt (sha256 $sum, expected ${sha[$f]}); delete it and run this script again" >&2
      return 1
    fi
  done
  echo "Fashion-MNIST verified in $dir"
}

for dir in "${search[@]}"; do
  if complete "$dir"; then verify "$dir"; exit $?; fi
done

if ! complete "$debian_dir" && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else sudo=none; fi
  fi
  if [ "$sudo" != none ]; then
    echo "Installing Debian package dataset-fashion-mnist ..."
    # wait up to 5 minutes for a package manager that is busy elsewhere instead of failing at once
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq dataset-fashion-mnist \
      >/dev/null
    complete "$debian_dir" || echo "fetch.sh: the Debian package did not install the files; downloading instead" >&2
  fi
fi

if complete "$debian_dir"; then
  verify "$debian_dir"
  if [ -z "$target" ]; then exit 0; fi
  mkdir -p "$target"
  for f in "${files[@]}"; do
    cp "$debian_dir/$f.gz" "$target/$f.gz.part"
    mv -f "$target/$f.gz.part" "$target/$f.gz"
  done
  verify "$target"
  exit 0
fi

base=${FASHION_MNIST_URL:-http://fashion-mnist.s3-website.eu-central-1.amazonaws.com}
mkdir -p "$user_dir"
for f in "${files[@]}"; do
  echo "Downloading $base/$f.gz ..."
  curl -fSL --retry 3 -o "$user_dir/$f.gz.part" "$base/$f.gz"
  mv -f "$user_dir/$f.gz.part" "$user_dir/$f.gz"
done
verify "$user_dir"

#!/usr/bin/env bash
# Installs Fashion-MNIST for sheetlab.
#  - Where apt exists (as root or through sudo): Debian's package dataset-fashion-mnist, into
#    /usr/share/datasets/fashion-mnist.
#  - Otherwise: the official files from Zalando Research into ${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/fashion-mnist.
# Either way the decompressed files are checked against the SHA-256 sums in checksums.sha256 (the Java loader checks
# them again on every load). Safe to run twice.
set -euo pipefail

files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha=(
  [train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)
debian_dir=/usr/share/datasets/fashion-mnist
user_dir=${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/fashion-mnist

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

for dir in "$user_dir" "$debian_dir"; do
  if complete "$dir"; then verify "$dir"; exit $?; fi
done

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else sudo=none; fi
  fi
  if [ "$sudo" != none ]; then
    echo "Installing Debian package dataset-fashion-mnist ..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null
    if complete "$debian_dir"; then verify "$debian_dir"; exit $?; fi
    echo "fetch.sh: the Debian package did not install the files; downloading instead" >&2
  fi
fi

base=${FASHION_MNIST_URL:-http://fashion-mnist.s3-website.eu-central-1.amazonaws.com}
mkdir -p "$user_dir"
for f in "${files[@]}"; do
  echo "Downloading $base/$f.gz ..."
  curl -fSL --retry 3 -o "$user_dir/$f.gz.part" "$base/$f.gz"
  mv -f "$user_dir/$f.gz.part" "$user_dir/$f.gz"
done
verify "$user_dir"

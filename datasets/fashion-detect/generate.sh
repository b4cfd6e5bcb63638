#!/usr/bin/env bash
# Generates the fashion-detect detection set (Fashion-MNIST items pasted onto 96x96 canvases, Pascal VOC layout) with
# org.sheetlab.data.detection.PastedItemsGenerator; see README.md next to this script.
#   generate.sh [OUT_DIR] [--seed N] [--train N] [--test N] [--fashion-dir DIR]
# OUT_DIR defaults to ${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/fashion-detect. Fashion-MNIST is found (or installed
# with datasets/fashion-mnist/fetch.sh) as its loader does. With the default options the result is checked against the
# manifest digest below (SHA-256 of `sha256sum` over all files, sorted by path). Safe to run twice: an existing
# OUT_DIR is left alone (delete it to regenerate).
# The classes come from sheetlab.jar (built when missing), or from $SHEETLAB_CLASSPATH when set.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
expected=51f8b7acf8dd611d5f107584580c5d9f403218764e32671ea971f920705b2f45
out=${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/fashion-detect
if [ $# -gt 0 ] && [ "${1:0:1}" != "-" ]; then out=$1; shift; fi
defaults=$([ $# -eq 0 ] && echo yes || echo no)

manifest() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64); }

if [ -e "$out" ]; then
  echo "generate.sh: $out already exists; delete it to regenerate" >&2
  exit 0
fi
cp=${SHEETLAB_CLASSPATH:-}
if [ -z "$cp" ]; then
  cp=$root/modules/sheetlab-experiments/target/sheetlab.jar
  if [ ! -f "$cp" ]; then
    echo "generate.sh: building $cp (first run; about a minute) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests package) >&2
  fi
fi
# shellcheck disable=SC2086
java ${SHEETLAB_JAVA_OPTS:--Xmx2g} -cp "$cp" org.sheetlab.data.detection.PastedItemsGenerator "$out" "$@"
if [ "$defaults" = yes ]; then
  got=$(manifest "$out")
  if [ "$got" != "$expected" ]; then
    echo "generate.sh: $out differs from the documented default set (manifest $got, expected $expected)" >&2
    exit 1
  fi
  echo "generate.sh: manifest $got matches the documented default set"
fi

#!/usr/bin/env bash
# Builds sheetlab's English text corpus (issue 19: TF-IDF search, word2vec) from Debian text packages, and its analogy
# questions from WordNet. See README.md next to this script.
#   fetch.sh              into ${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/text-corpus
#   fetch.sh DATA_DIR     into DATA_DIR (the experiments' --data-dir)
# Writes documents.txt (one document per line, lower-case tokens separated by single spaces), vocabulary.txt,
# manifest (counts, SHA-256, package versions) and questions-words.txt. Installs the packages it reads (as root or
# through password-less sudo) when they are missing. Needs a JDK (javac, java): it compiles the builder's JDK-only
# sources from modules/sheetlab-data. Safe to run twice: a corpus built from the same package versions and the same
# builder sources is left alone.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${1:-${SHEETLAB_DATA:-$HOME/.sheetlab/datasets}/text-corpus}
# dict-gcide, wordnet-base, dict-foldoc, dict-jargon, dict-devil: dictionaries; fortunes(-min): quotations;
# bible-kjv(-text): the King James Bible and the program that prints it; python3-doc, perl-doc: the languages' manuals;
# manpages, manpages-dev: the Linux man-pages project's pages
packages=(dict-gcide wordnet-base dict-foldoc dict-jargon dict-devil fortunes fortunes-min bible-kjv bible-kjv-text
  python3-doc perl-doc manpages manpages-dev)
src=$root/modules/sheetlab-data/src/main/java/org/sheetlab/data
sources=("$src/DatasetException.java" "$src/text/CorpusTokenizer.java" "$src/text/CorpusWriter.java"
  "$src/text/CorpusSources.java" "$src/text/CorpusBuilder.java" "$src/text/AnalogyQuestions.java"
  "$src/wordnet/AnalogySetGenerator.java" "$src/wordnet/WordNetRelations.java")
for f in "${sources[@]}"; do
  [ -f "$f" ] || { echo "fetch.sh: $f is missing; run this script from a sheetlab checkout" >&2; exit 2; }
done
for tool in javac java; do
  command -v $tool >/dev/null 2>&1 || { echo "fetch.sh: needs a JDK 17 ($tool not found)" >&2; exit 2; }
done

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "fetch.sh: needs apt-get to install the Debian packages ${missing[*]}" >&2; exit 2
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else
      echo "fetch.sh: run as root (or with password-less sudo) to install ${missing[*]}" >&2; exit 2; fi
  fi
  echo "Installing Debian packages ${missing[*]} ..."
  # wait up to 5 minutes for a package manager that is busy elsewhere instead of failing at once
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# what the corpus is built from: the package versions and the builder's sources
pydoc=$(dpkg-query -W -f='${Depends}' python3-doc | grep -o 'python3\.[0-9]*-doc' | head -1)
stamp=$( (dpkg-query -W -f='${Package}=${Version}\n' "${packages[@]}" "$pydoc"; cat "${sources[@]}" | sha256sum) \
  | sha256sum | cut -c1-16)
if [ -f "$target/manifest" ] && [ -f "$target/questions-words.txt" ] \
    && grep -qx "build $stamp" "$target/manifest"; then
  echo "Text corpus in $target is up to date (build $stamp)"; exit 0
fi

pysources=$(dpkg -L "$pydoc" | grep '/html/_sources$' | head -1)
poddir=$(dirname "$(dpkg -L perl-doc | grep '/pod/perl\.pod$' | head -1)")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -encoding UTF-8 -nowarn -d "$work/classes" "${sources[@]}"
bible gen1:1-rev22:21 > "$work/kjv.txt"
dpkg -L manpages manpages-dev | grep -E '^/usr/share/man/man[0-9][^/]*/[^/]+\.gz$' | LC_ALL=C sort > "$work/man.txt"
notes=(--note "build=$stamp")
while read -r pv; do notes+=(--note "package.${pv%%=*}=${pv#*=}"); done \
  < <(dpkg-query -W -f='${Package}=${Version}\n' "${packages[@]}" "$pydoc" | LC_ALL=C sort)
echo "Building the text corpus in $target ..."
start=$(date +%s)
java -Xmx2g -cp "$work/classes" org.sheetlab.data.text.CorpusBuilder "$target" --seed 19 --min-tokens 10000000 \
  "${notes[@]}" \
  --source gcide:gcide:/usr/share/dictd/gcide \
  --source wordnet:wordnet:/usr/share/wordnet \
  --source kjv:kjv:"$work/kjv.txt" \
  --source devil:dictd:/usr/share/dictd/devil \
  --source jargon:dictd:/usr/share/dictd/jargon \
  --source foldoc:dictd:/usr/share/dictd/foldoc \
  --source fortunes:fortunes:/usr/share/games/fortunes \
  --source python-docs:rst:"$pysources" \
  --source perl-docs:pod:"$poddir" \
  --source man-pages:man:"$work/man.txt"
java -Xmx2g -cp "$work/classes" org.sheetlab.data.wordnet.AnalogySetGenerator /usr/share/wordnet \
  "$target/questions-words.txt" --vocabulary "$target/vocabulary.txt" --min-count 5
echo "Text corpus built in $(( $(date +%s) - start )) s"

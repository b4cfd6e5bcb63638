#!/usr/bin/python3
"""Writes wordnet_glosses.txt: a fixed sample of real English text for the TF-IDF reference (tfidf_sklearn.py).

Source: Debian's wordnet-base (WordNet 3.0, Princeton University; its licence permits copying and distribution with the
copyright notice, which is in WORDNET-LICENSE beside this file). From /usr/share/wordnet/data.noun, every 200th synset
line (in file order, the licence header skipped), its gloss (the text after " | "), the first 400 of them; one gloss a
line, unchanged.

    /usr/bin/python3 make_wordnet_glosses.py > wordnet_glosses.txt
"""
synsets = []
with open("/usr/share/wordnet/data.noun", encoding="utf-8") as f:
    for line in f:
        if line.startswith("  "):
            continue  # the licence header
        synsets.append(line.split(" | ", 1)[1].strip())
for gloss in synsets[::200][:400]:
    print(gloss)

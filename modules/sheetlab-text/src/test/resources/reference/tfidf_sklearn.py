#!/usr/bin/python3
"""Reference values for org.sheetlab.text.tfidf (Weighting.SKLEARN), from scikit-learn's TfidfVectorizer.

Run with Debian's python3-sklearn (1.2.1):  /usr/bin/python3 tfidf_sklearn.py > tfidf_sklearn.json
Documents: wordnet_glosses.txt (400 real WordNet 3.0 glosses, one a line; see make_wordnet_glosses.py).
The vectorizer has its defaults: lowercase=True, token_pattern=r"(?u)\b\w\w+\b", smooth_idf=True, sublinear_tf=False,
norm="l2", dtype float64, so idf = ln((1 + N) / (1 + df)) + 1, x = count * idf, rows divided by their l2 norm.
Written:
- "tokens": the analyzer's tokens of the first 5 documents (to check the Java tokenizer against the default pattern);
- "vocabulary" (sorted, sklearn's column order), "idf" (idf_ per column), "df" (documents per column);
- "matrix": the N x V tf-idf matrix as CSR (indptr, indices into "vocabulary", data), indices sorted per row;
- "cases": queries with k: the k best documents by cosine (linear_kernel of the l2-normalised transform, which is
  cosine_similarity), ties broken by the lower document index, and their scores.
"""
import json

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

with open("wordnet_glosses.txt", encoding="utf-8") as f:
    documents = [line.rstrip("\n") for line in f]

vectorizer = TfidfVectorizer()  # the defaults, as documented above
X = vectorizer.fit_transform(documents).tocsr()
X.sort_indices()
vocabulary = vectorizer.get_feature_names_out().tolist()
analyzer = vectorizer.build_analyzer()
df = np.bincount(X.indices, minlength=len(vocabulary))

queries = [
    ("a person who plays music", 5),
    ("a small tree with yellow flowers", 5),
    ("the act of moving something", 8),
    ("a unit of length or weight", 5),
    ("disease of the skin", 3),
    ("the the of of a person", 4),
]
cases = []
for text, k in queries:
    q = vectorizer.transform([text])
    scores = cosine_similarity(q, X)[0]
    order = np.lexsort((np.arange(len(scores)), -scores))[:k]
    cases.append({"query": text, "k": k, "documents": order.tolist(), "scores": scores[order].tolist()})

print(json.dumps({
    "sklearn": sklearn.__version__,
    "documents": len(documents),
    "tokens": [analyzer(d) for d in documents[:5]],
    "vocabulary": vocabulary,
    "idf": vectorizer.idf_.tolist(),
    "df": df.tolist(),
    "matrix": {"indptr": X.indptr.tolist(), "indices": X.indices.tolist(), "data": X.data.tolist()},
    "cases": cases,
}, allow_nan=False))

#!/usr/bin/python3
"""Reference values for org.sheetlab.core.metrics.FrechetDistance, from scipy (independent of ND4J and of the Java
code's eigendecomposition route).

Run with Debian's python3-scipy:  /usr/bin/python3 frechet.py > frechet.json
For each case: two fixed feature sets a [N1, d] and b [N2, d] (rows are samples) and
  d2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 sqrtm(S1 S2))
with mu the column means, S the unbiased covariances (np.cov, ddof 1) and scipy.linalg.sqrtm: the formula of the
FID reference code (pytorch-fid), committed as "d2_scipy". The same formula in 40-digit arithmetic (mpmath, with
tr sqrtm(S1 S2) from the eigenvalues of S1 S2, which are real and >= 0) is committed as "d2", rounded to double. The
script checks sqrtm's residual and that the two agree to 1e-10 relative; the Java test compares with both to 1e-10.
"min_eigenvalue" is the smallest eigenvalue of S1 S2: d2 is sensitive to it (d sqrt(l)/dl = 1/(2 sqrt(l))).
"""
import json

import mpmath
import numpy as np
import scipy
import scipy.linalg


def frechet(a, b):
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    s1, s2 = np.cov(a, rowvar=False, ddof=1), np.cov(b, rowvar=False, ddof=1)
    s1, s2 = np.atleast_2d(s1), np.atleast_2d(s2)
    root, _ = scipy.linalg.sqrtm(s1 @ s2, disp=False)
    assert np.abs(root.imag).max() < 1e-12, "complex square root"
    root = root.real
    assert np.abs(root @ root - s1 @ s2).max() < 1e-12 * max(1.0, np.abs(s1 @ s2).max()), "sqrtm residual"
    d2 = float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(root))
    # the same formula in 40-digit arithmetic, from the same data, as a check on the double-precision value
    with mpmath.workdps(40):
        def mat(rows):
            return mpmath.matrix([[mpmath.mpf(float(x)) for x in r] for r in rows])

        def moments(x):
            n = len(x)
            mu = [mpmath.fsum(x[i][j] for i in range(n)) / n for j in range(len(x[0]))]
            c = mpmath.matrix(len(mu), len(mu))
            for j in range(len(mu)):
                for k in range(len(mu)):
                    c[j, k] = mpmath.fsum((x[i][j] - mu[j]) * (x[i][k] - mu[k]) for i in range(n)) / (n - 1)
            return mu, c

        ma, ca = moments([[mpmath.mpf(float(v)) for v in r] for r in a])
        mb, cb = moments([[mpmath.mpf(float(v)) for v in r] for r in b])
        # tr sqrtm(S1 S2) = sum of the square roots of the eigenvalues of S1 S2 (real and >= 0: S1 S2 is similar to
        # the symmetric positive semi-definite S1^1/2 S2 S1^1/2)
        eigenvalues = mpmath.eig(ca * cb, left=False, right=False)
        trace_root = mpmath.fsum(mpmath.sqrt(mpmath.re(e)) for e in eigenvalues)
        exact = (mpmath.fsum((p - q) ** 2 for p, q in zip(ma, mb))
                 + mpmath.fsum(ca[i, i] + cb[i, i] for i in range(len(ma))) - 2 * trace_root)
    assert abs(d2 - float(exact)) < 1e-10 * max(1.0, abs(d2)), (d2, float(exact))
    return d2, float(exact), float(min(mpmath.re(e) for e in eigenvalues))


rng = np.random.default_rng(20261204)
cases = []
for n1, n2, d, note in [
    (7, 9, 3, "small sets, correlated features"),
    (20, 15, 5, "different scales and means"),
    (12, 12, 4, "one set a linear map of the other"),
    (30, 25, 6, "two nearly collinear features in each set"),
]:
    def mixing():  # a well-conditioned random linear map of the features
        return np.eye(d) + 0.4 * rng.normal(size=(d, d))

    a = rng.normal(size=(n1, d)) @ mixing() + rng.normal(size=d)
    if note.startswith("one set"):
        b = a @ mixing() * 0.7 + 2.0
    else:
        b = rng.normal(size=(n2, d)) @ mixing() * rng.uniform(0.3, 2.0, size=d) + rng.normal(size=d)
    if note.startswith("two nearly"):
        a[:, 1] = a[:, 0] + 0.05 * a[:, 1]
        b[:, 2] = b[:, 3] - 0.05 * b[:, 2]
    d2_scipy, d2, min_eigenvalue = frechet(a, b)
    d2_scipy_ba, d2_ba, _ = frechet(b, a)
    cases.append({"note": note, "a": a.tolist(), "b": b.tolist(), "d2": d2, "d2_scipy": d2_scipy,
                  "d2_ba": d2_ba, "d2_scipy_ba": d2_scipy_ba, "min_eigenvalue": min_eigenvalue})
print(json.dumps({"generator": "frechet.py", "scipy": scipy.__version__, "numpy": np.__version__, "cases": cases},
                 indent=1, allow_nan=False))

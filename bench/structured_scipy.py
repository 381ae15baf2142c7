"""SciPy's BLAS wrappers on the products of structured_cases.ts, float64, same orders.

Prints one JSON object: routine name -> median seconds per call. Run by structured_compare.ts.
"""
import json
import sys
import time

import numpy as np
import scipy.linalg.blas as b

N2, NB, K, N3 = 2000, 200_000, 16, 500
rng = np.random.default_rng(1)


def tri(n):
    a = np.triu(rng.random((n, n)) + 0.01)
    a[np.diag_indices(n)] = 4
    return np.asfortranarray(a)


def band(n, rows):
    a = np.asfortranarray(rng.random((rows, n)) + 0.01)
    return a


def packed(n):
    ap = rng.random(n * (n + 1) // 2) + 0.01
    ap[[j * (j + 1) // 2 + j for j in range(n)]] = 4
    return ap


x2, xb = rng.random(N2), rng.random(NB)
a2, ap, gbm, sbm = tri(N2), packed(N2), band(NB, 2 * K + 1), band(NB, K + 1)
sbm[K, :] = 4
a3, b3 = tri(N3), np.asfortranarray(rng.random((N3, N3)))
s3 = np.asfortranarray(a3 + a3.T)
calls = {
    "trmv": lambda: b.dtrmv(a2, x2),
    "symv": lambda: b.dsymv(1.0, a2, x2),
    "tpmv": lambda: b.dtpmv(N2, ap, x2),
    "spmv": lambda: b.dspmv(N2, 1.0, ap, x2),
    "gbmv": lambda: b.dgbmv(NB, NB, K, K, 1.0, gbm, xb),
    "sbmv": lambda: b.dsbmv(K, 1.0, sbm, xb),
    "tbmv": lambda: b.dtbmv(K, sbm, xb),
    "trsv": lambda: b.dtrsv(a2, x2),
    "tbsv": lambda: b.dtbsv(K, sbm, xb),
    "tpsv": lambda: b.dtpsv(N2, ap, x2),
    "trmm": lambda: b.dtrmm(1.0, a3, b3),
    "symm": lambda: b.dsymm(1.0, s3, b3),
    "trsm": lambda: b.dtrsm(1.0, a3, b3),
}
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
out = {}
for name, f in calls.items():
    f()
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    out[name] = float(np.median(times))
print(json.dumps(out))

"""numpy/SciPy's LU and Cholesky at n = 1000, float64, on Debian's OpenBLAS: median seconds as JSON.
Run by bench/linalg.ts."""
import json
import sys
import time

import numpy as np
import scipy.linalg as sl

n = 1000
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
rng = np.random.default_rng(1)
a = np.asfortranarray(rng.random((n, n)))
spd = np.asfortranarray(a.T @ a + n * np.eye(n))
calls = {
    "trf": lambda: sl.lu_factor(a, check_finite=False),
    "potrf": lambda: sl.cho_factor(spd, lower=True, check_finite=False),
    "qrf": lambda: sl.qr(a, mode="raw", check_finite=False),
    "svd": lambda: sl.svd(a, full_matrices=False, lapack_driver="gesdd", check_finite=False),
    "evd": lambda: sl.eigh(spd, driver="evd", check_finite=False),
}
out = {}
for name, f in calls.items():
    f()
    t = []
    for _ in range(rounds):
        s = time.perf_counter()
        f()
        t.append(time.perf_counter() - s)
    out[name] = float(np.median(t))
print(json.dumps(out))

"""Fits the float32 polynomials of lib/engines/webgpu/wgsl_special.ts (WGSL has no double to
borrow): least squares for relative error on Chebyshev nodes against 40-digit mpmath values,
coefficients rounded to float32, then each fit evaluated in float32 Horner over 20 000 points
to report its worst error in ulps. Run: /usr/bin/python3 tools/fit_special.py
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
F = np.float32


def erfcx(x):
    return mp.exp(x * x) * mp.erfc(x)


# name, target f(u) with u the polynomial's variable, u range, how the result is formed,
# degree. Each fit is of a function that stays away from 0 on its range, so relative error is
# what least squares weighs.
fits = [
    ("erf_small", lambda u: mp.erf(mp.sqrt(u)) / mp.sqrt(u) if u > 0 else 2 / mp.sqrt(mp.pi),
     (0.0, 1.0), 8),  # erf(x) = x·P(x²), |x| < 1
    ("erfcx_a", lambda u: erfcx(u), (0.5, 1.0), 9),
    ("erfcx_b", lambda u: erfcx(u), (1.0, 2.0), 11),
    ("erfcx_c", lambda u: erfcx(u), (2.0, 4.0), 11),
    ("lgamma1", lambda z: mp.loggamma(1 + z) / z if z != 0 else -mp.euler, (-0.5, 0.5), 14),
    ("lgamma2", lambda z: mp.loggamma(2 + z) / z if z != 0 else 1 - mp.euler, (-0.5, 0.5), 12),
    ("gamma1", lambda z: mp.gamma(1 + z), (0.0, 1.0), 11),
    # atan(x) = x·P(x²) for |x| ≤ tan(π/8); wider arguments are reduced to that.
    ("atan_small", lambda u: mp.atan(mp.sqrt(u)) / mp.sqrt(u) if u > 0 else mp.mpf(1),
     (0.0, 0.1716), 7),
]


def horner32(c, u):
    acc = np.zeros_like(u, dtype=F) + F(c[-1])
    for k in range(len(c) - 2, -1, -1):
        acc = (acc * u + F(c[k])).astype(F)
    return acc


for name, f, (lo, hi), deg in fits:
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    n = 400
    t = np.cos(np.pi * (np.arange(n) + 0.5) / n)
    u = mid + half * t
    y = np.array([float(f(mp.mpf(float(v)))) for v in u])
    # Fit in s = (u − mid)/half for conditioning, then expand to powers of (u − mid).
    V = np.vander(t, deg + 1, increasing=True) / y[:, None]
    cs, *_ = np.linalg.lstsq(V, np.ones(n), rcond=None)
    c = [cs[k] / half**k for k in range(deg + 1)]
    c32 = [float(F(v)) for v in c]
    uu = np.linspace(lo, hi, 20000).astype(F)
    got = horner32(c32, (uu - F(mid)).astype(F)).astype(np.float64)
    want = np.array([float(f(mp.mpf(float(v)))) for v in uu[::20]])
    got = got[::20]
    ulp = np.spacing(np.abs(want).astype(F)).astype(np.float64)
    err = np.max(np.abs(got - want) / ulp)
    print(f"// {name}: powers of (u − {mid}) on [{lo}, {hi}], worst {err:.2f} ulp in float32")
    print(f"const {name.upper()} = array<f32, {deg + 1}>(" +
          ", ".join(repr(v) for v in c32) + ");")

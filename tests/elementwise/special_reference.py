"""Writes special_reference.json: 30-digit values (rounded to float64) of the vect-math
functions at inputs every engine can hold exactly (float32 values), spread over each function's
domain. Run with Debian's python3-mpmath: python3 tests/elementwise/special_reference.py
"""
import json
import math
import os

import mpmath as mp
import numpy as np

mp.mp.dps = 40
rng = np.random.default_rng(26)


def f32(v):
    return [float(np.float32(t)) for t in v]


def spread(lo, hi, n=160, log=False, positive=False):
    """float32 inputs: evenly spaced and random, or log-spaced for wide positive ranges."""
    if log:
        v = np.exp(np.concatenate([np.linspace(math.log(lo), math.log(hi), n // 2),
                                   rng.uniform(math.log(lo), math.log(hi), n // 2)]))
        if not positive:
            v = np.concatenate([v, -v])
    else:
        v = np.concatenate([np.linspace(lo, hi, n // 2), rng.uniform(lo, hi, n // 2)])
    return sorted(set(f32(v)))


def pairs(lo, hi, n=160):
    a = f32(rng.uniform(lo, hi, n))
    b = f32(rng.uniform(lo, hi, n))
    return list(zip(a, b))


M = mp.mpf


def cbrt(x):
    """The real cube root (mpmath's of a negative number is complex)."""
    return mp.sign(x) * mp.cbrt(abs(x))

cases = {
    "tan": (spread(-10, 10), lambda x: mp.tan(x)),
    "asin": (spread(-1, 1), mp.asin),
    "acos": (spread(-1, 1), mp.acos),
    "atan": (spread(1e-4, 1e4, log=True), mp.atan),
    "sinh": (spread(1e-4, 80, log=True), mp.sinh),
    "cosh": (spread(-80, 80), mp.cosh),
    "asinh": (spread(1e-4, 1e4, log=True), mp.asinh),
    "acosh": (spread(1, 1e4, log=True, positive=True), mp.acosh),
    "atanh": (spread(-0.999, 0.999), mp.atanh),
    "cbrt": (spread(1e-4, 1e4, log=True), cbrt),
    "invCbrt": (spread(1e-4, 1e4, log=True), lambda x: 1 / cbrt(x)),
    "invSqrt": (spread(1e-4, 1e4, log=True, positive=True), lambda x: 1 / mp.sqrt(x)),
    "pow23": (spread(1e-4, 1e4, log=True), lambda x: cbrt(x) ** 2),
    "pow32": (spread(1e-4, 1e4, log=True, positive=True), lambda x: x * mp.sqrt(x)),
    "log10": (spread(1e-6, 1e6, log=True, positive=True), mp.log10),
    "erf": (spread(-6, 6), mp.erf),
    "erfc": (spread(-6, 9), mp.erfc),
    "erfInv": (spread(-0.9999, 0.9999) + f32([1 - 1e-7, -(1 - 1e-7), 1e-30, 0.5]), mp.erfinv),
    "erfcInv": (spread(1e-30, 1.9999, log=True, positive=True) + spread(0.001, 1.999),
                lambda q: -mp.erfinv(q - 1) if q > 1 else mp.erfinv(1 - q) if q > 0.5 else
                mp.findroot(lambda t: mp.log(mp.erfc(t)) - mp.log(q), mp.sqrt(-mp.log(q)))),
    "cdfNorm": (spread(-12, 8), mp.ncdf),
    "cdfNormInv": (spread(1e-30, 0.9999, log=True, positive=True),
                   lambda p: mp.findroot(lambda t: mp.log(mp.ncdf(t)) - mp.log(p), -mp.sqrt(-2 * mp.log(p)))
                   if p < 0.3 else mp.sqrt(2) * mp.erfinv(2 * p - 1)),
    "gamma": ([v for v in spread(-9.9, 34) if v != round(v) or v > 0], mp.gamma),
    "lgamma": ([v for v in spread(1e-4, 1e4, log=True, positive=True)] + spread(0.5, 3),
               lambda x: mp.log(abs(mp.gamma(x)))),
    "trunc": (spread(-100, 100), lambda x: M(int(x))),
    "frac": (spread(-100, 100), lambda x: x - int(x)),
    "atan2": (pairs(-10, 10), lambda p: mp.atan2(p[0], p[1])),
    "hypot": (pairs(-1e3, 1e3), lambda p: mp.hypot(p[0], p[1])),
    "copySign": (pairs(-10, 10), lambda p: abs(M(p[0])) * (1 if p[1] >= 0 else -1)),
    # C's fmod: the quotient truncated (mpmath's fmod takes the sign of y).
    "fmod": (pairs(-100, 100), lambda p: M(p[0]) - M(p[1]) * int(M(p[0]) / M(p[1]))),
    "frem": (pairs(-100, 100), lambda p: M(p[0]) - M(p[1]) * mp.nint(M(p[0]) / M(p[1]))),
}

out = {}
for name, (inputs, f) in cases.items():
    rows = []
    for v in inputs:
        r = f(tuple(M(t) for t in v) if isinstance(v, tuple) else M(v))
        rows.append([list(v) if isinstance(v, tuple) else v, float(r)])
    out[name] = rows
path = os.path.join(os.path.dirname(__file__), "special_reference.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print(path, sum(len(v) for v in out.values()), "values")

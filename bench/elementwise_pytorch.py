"""Elementwise functions in PyTorch, for bench/elementwise_compare.ts: each function of the list
on float32 vectors of each length, written into a preallocated output (`out=`), the best of
several timed runs. Prints nanoseconds per entry as JSON: {"torch": version, "ns": {fn: {n: ns}}}.
Arguments: the thread count, then the lengths. Needs Debian's python3-torch.
"""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]))
lengths = [int(n) for n in sys.argv[2:]]
functions = {
    "relu": lambda x, y: torch.clamp_min(x, 0, out=y),
    "sigmoid": lambda x, y: torch.sigmoid(x, out=y),
    "tanh": lambda x, y: torch.tanh(x, out=y),
    "exp": lambda x, y: torch.exp(x, out=y),
    "sqr": lambda x, y: torch.mul(x, x, out=y),
    "mul": lambda x, y: torch.mul(x, y, out=y),
}

result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "ns": {}}
for name, f in functions.items():
    result["ns"][name] = {}
    for n in lengths:
        x = torch.rand(n) * 6 - 3
        y = torch.empty(n)
        reps = max(3, min(20000, 20_000_000 // n))
        for _ in range(max(1, reps // 10)):
            f(x, y)
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(reps):
                f(x, y)
            best = min(best, (time.perf_counter() - start) / reps)
        result["ns"][name][str(n)] = best * 1e9 / n
print(json.dumps(result))

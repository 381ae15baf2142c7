"""Chapter 22's MNIST network in PyTorch, for bench/mnist_compare.ts: 784-512-10 (relu, softmax
with the cross-entropy), Adam at 0.001, minibatches of 128, float32, on MNIST's 10,000 test
images read from the IDX file given (the first 8,000 train). Prints milliseconds per epoch and
the accuracy on the last 2,000 as JSON. Needs Debian's python3-torch.
"""
import gzip
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
torch.manual_seed(1)


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8).reshape(dims)


x = idx(sys.argv[1]).reshape(10000, 784).float() / 255
y = idx(sys.argv[2]).long()
xt, yt, xs, ys = x[:8000], y[:8000], x[8000:], y[8000:]
net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
opt = torch.optim.Adam(net.parameters(), lr=0.001)


def epoch():
    order = torch.randperm(8000)
    for b in range(0, 8000, 128):
        i = order[b:b + 128]
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(net(xt[i]), yt[i]).backward()
        opt.step()


epoch()
epochs = 5
start = time.perf_counter()
for _ in range(epochs):
    epoch()
ms = (time.perf_counter() - start) * 1000 / epochs
with torch.no_grad():
    accuracy = (net(xs).argmax(1) == ys).float().mean().item()
print(json.dumps({"ms_per_epoch": ms, "accuracy": accuracy, "torch": torch.__version__}))

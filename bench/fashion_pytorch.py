"""Chapter 30's Fashion-MNIST CNN in PyTorch, for bench/fashion_compare.ts: conv 16 3x3 pad 1
relu, max pool 2, conv 32 3x3 pad 1 relu, max pool 2, dropout 0.25, linear 1568-128 relu,
linear 128-10 (softmax with the cross-entropy); Adam at 0.001, minibatches of 128, float32, NCHW.
Arguments: the IDX folder, the training samples to use, the epochs, the threads. Prints
milliseconds per epoch (after one warm-up batch) and the test accuracy as JSON. Needs Debian's
python3-torch.
"""
import gzip
import json
import sys
import time

import torch

folder, samples, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(1)


def idx(name):
    with gzip.open(f"{folder}/{name}") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8).reshape(dims)


x = idx("train-images-idx3-ubyte.gz")[:samples].reshape(-1, 1, 28, 28).float() / 255
y = idx("train-labels-idx1-ubyte.gz")[:samples].long()
xs = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28).float() / 255
ys = idx("t10k-labels-idx1-ubyte.gz").long()
nn = torch.nn
net = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Dropout(0.25), nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(net.parameters(), lr=0.001)


def batch(i):
    opt.zero_grad(set_to_none=True)
    nn.functional.cross_entropy(net(x[i]), y[i]).backward()
    opt.step()


batch(torch.arange(128))
seconds = []
for _ in range(epochs):
    net.train()
    start = time.perf_counter()
    order = torch.randperm(samples)
    for b in range(0, samples - 127, 128):
        batch(order[b:b + 128])
    seconds.append(time.perf_counter() - start)
net.eval()
with torch.no_grad():
    accuracy = sum((net(xs[b:b + 1000]).argmax(1) == ys[b:b + 1000]).sum().item()
                   for b in range(0, 10000, 1000)) / 10000
print(json.dumps({"ms_per_epoch": 1000 * min(seconds), "accuracy": accuracy,
                  "torch": torch.__version__, "threads": threads}))

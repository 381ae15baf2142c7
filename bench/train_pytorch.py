"""The training workload of bench/train.bench.ts in PyTorch, for a side-by-side figure.

4-16-64-8-1 (sigmoid, tanh, tanh, linear), full batch of 10000, quadratic cost, plain SGD at
0.05, float32, one thread. Prints milliseconds per epoch as JSON. Run by bench/train_compare.ts;
needs Debian's python3-torch (`apt install python3-torch`).
"""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
torch.manual_seed(1)
n = 10000
x = torch.rand(n, 4)
y = (torch.sin(x[:, 0]) + torch.cos(x[:, 1]) + torch.tanh(x[:, 2]) + x[:, 3] ** 2).unsqueeze(1)
net = torch.nn.Sequential(
    torch.nn.Linear(4, 16), torch.nn.Sigmoid(),
    torch.nn.Linear(16, 64), torch.nn.Tanh(),
    torch.nn.Linear(64, 8), torch.nn.Tanh(),
    torch.nn.Linear(8, 1),
)
opt = torch.optim.SGD(net.parameters(), lr=0.05)


def epoch():
    opt.zero_grad(set_to_none=True)
    loss = ((net(x) - y) ** 2).sum() / (2 * n)
    loss.backward()
    opt.step()
    return loss


for _ in range(20):
    epoch()
epochs = 200
start = time.perf_counter()
for _ in range(epochs):
    loss = epoch()
ms = (time.perf_counter() - start) * 1000 / epochs
print(json.dumps({"ms_per_epoch": ms, "threads": torch.get_num_threads(), "cost": float(loss), "torch": torch.__version__}))

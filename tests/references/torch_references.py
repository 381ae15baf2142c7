"""PyTorch's answers on fixed inputs, for tests/references/torch_test.ts to check knap against.

Run with Debian's python3-torch (`apt install python3-torch`; 1.13 wrote the stored file):
    /usr/bin/python3 tests/references/torch_references.py > tests/references/torch.json
Everything is float64 and every input is written out, so the test needs no random numbers.
Matrices are stored row-major as PyTorch holds them: weights out x in, batches sample x feature.
"""
import json
import math

import torch

torch.set_default_dtype(torch.float64)


def values(rows, cols, scale, phase):
    return [[scale * math.sin(phase + 0.7 * i + 1.3 * j) for j in range(cols)] for i in range(rows)]


def tolist(t):
    return t.detach().tolist()


out = {"torch": torch.__version__}

# Softmax and log-softmax of each sample (row) of logits, some large.
logits = torch.tensor(values(6, 5, 40.0, 0.2))
out["softmax"] = {
    "logits": tolist(logits),
    "softmax": tolist(torch.softmax(logits, dim=1)),
    "log_softmax": tolist(torch.log_softmax(logits, dim=1)),
}

# One fully connected layer, each activation: forward, and the gradients of sum(a * g).
x = torch.tensor(values(6, 4, 1.0, 0.5))
w = torch.tensor(values(3, 4, 0.8, 1.1))
b = torch.tensor([0.1, -0.2, 0.3])
g = torch.tensor(values(6, 3, 1.0, 2.0))
acts = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "elu": torch.nn.functional.elu,
    "softmax": lambda z: torch.softmax(z, dim=1),
}
layers = {"x": tolist(x), "w": tolist(w), "b": tolist(b), "g": tolist(g), "by": {}}
for name, f in acts.items():
    wv, bv, xv = w.clone().requires_grad_(), b.clone().requires_grad_(), x.clone().requires_grad_()
    a = f(xv @ wv.T + bv)
    (a * g).sum().backward()
    layers["by"][name] = {"a": tolist(a), "dw": tolist(wv.grad), "db": tolist(bv.grad), "dx": tolist(xv.grad)}
out["layer"] = layers

# Training steps of a 4-5-3 network (tanh, softmax) with the categorical cross-entropy, and of a
# 4-5-1 network (sigmoid, linear) with the quadratic cost, by plain SGD and by Adam.
w1 = torch.tensor(values(5, 4, 0.5, 0.3))
w2 = torch.tensor(values(3, 5, 0.5, 0.9))
w2q = torch.tensor(values(1, 5, 0.5, 0.9))
targets = torch.tensor([0, 2, 1, 1, 0, 2])
yq = torch.tensor([[0.5], [-0.3], [0.8], [0.1], [0.0], [0.4]])


class EfficientAdam:
    """Adam in the paper's efficient form, as knap computes it: eps is added to sqrt(v) before
    the bias corrections, which go into the step size (PyTorch adds eps after them)."""

    def __init__(self, params, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, b1, b2, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        self.t += 1
        rate = self.lr * math.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            m.mul_(self.b1).add_(p.grad, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(p.grad, p.grad, value=1 - self.b2)
            p.sub_(rate * m / (v.sqrt() + self.eps))


def steps(kind, optimizer, n):
    layers = [torch.nn.Linear(4, 5), torch.nn.Tanh() if kind == "ce" else torch.nn.Sigmoid(),
              torch.nn.Linear(5, 3 if kind == "ce" else 1)]
    net = torch.nn.Sequential(*layers)
    with torch.no_grad():
        net[0].weight.copy_(w1)
        net[0].bias.zero_()
        net[2].weight.copy_(w2 if kind == "ce" else w2q)
        net[2].bias.zero_()
    if optimizer == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
    elif optimizer == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = EfficientAdam(list(net.parameters()))
    costs = []
    for _ in range(n):
        opt.zero_grad()
        z = net(x)
        if kind == "ce":
            loss = torch.nn.functional.cross_entropy(z, targets)
        else:
            loss = ((z - yq) ** 2).sum() / (2 * x.shape[0])
        costs.append(loss.item())
        loss.backward()
        opt.step()
    return {"costs": costs, "w1": tolist(net[0].weight), "b1": tolist(net[0].bias),
            "w2": tolist(net[2].weight), "b2": tolist(net[2].bias)}


out["training"] = {
    "w1": tolist(w1), "w2": tolist(w2), "w2q": tolist(w2q),
    "targets": tolist(targets), "yq": tolist(yq), "steps": 3,
    "ce_sgd": steps("ce", "sgd", 3), "ce_adam": steps("ce", "adam", 3),
    "quadratic_sgd": steps("q", "sgd", 3), "quadratic_adam": steps("q", "adam", 3),
    "ce_adam_efficient": steps("ce", "efficient", 3),
    "quadratic_adam_efficient": steps("q", "efficient", 3),
}

# Tensor operations on a [2, 3, 4, 5] batch (nchw as PyTorch holds it), stored flat in logical
# row-major order: activations forward and backward (the gradient of sum(f(x) * g)), binary
# operations against a per-channel [1, 3, 1, 1] tensor, and reductions with the kept dimensions.
shape = [2, 3, 4, 5]
xt = torch.tensor(values(6, 20, 2.0, 0.4)).reshape(shape)
gt = torch.tensor(values(6, 20, 1.0, 1.7)).reshape(shape)
bt = torch.tensor([0.5, -1.5, 2.5]).reshape(1, 3, 1, 1)
flat = lambda t: t.detach().reshape(-1).tolist()
fns = {
    "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "elu": torch.nn.functional.elu, "exp": torch.exp, "sqr": torch.square, "abs": torch.abs,
}
eltwise = {}
for name, f in fns.items():
    xv = xt.clone().requires_grad_()
    y = f(xv)
    (y * gt).sum().backward()
    eltwise[name] = {"y": flat(y), "dx": flat(xv.grad)}
binaries = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
    "max": torch.maximum, "min": torch.minimum,
}
reductions = {"sum": torch.sum, "mean": torch.mean, "max": torch.amax, "min": torch.amin}
over = {"n": [0], "hw": [2, 3], "c": [1], "all": [0, 1, 2, 3]}
out["tensor"] = {
    "shape": shape, "x": flat(xt), "g": flat(gt), "b": flat(bt), "eltwise": eltwise,
    "binary": {name: flat(f(xt, bt)) for name, f in binaries.items()},
    "reduction": {
        alg: {k: flat(f(xt, dim=d, keepdim=True)) for k, d in over.items()}
        for alg, f in reductions.items()
    },
}

# Convolutions in one, two and three spatial dimensions with strides, padding and dilation:
# the output, and the gradients of sum(y * g) for the input, the weights and the bias.
def conv_case(fn, xs, ws, **geometry):
    n = 1
    for v in xs:
        n *= v
    k = 1
    for v in ws:
        k *= v
    xv = torch.tensor(values(1, n, 1.0, 0.3)[0]).reshape(xs).requires_grad_()
    wv = torch.tensor(values(1, k, 0.5, 1.3)[0]).reshape(ws).requires_grad_()
    bv = torch.tensor(values(1, ws[0], 0.2, 2.1)[0]).requires_grad_()
    y = fn(xv, wv, bv, **geometry)
    g = torch.tensor(values(1, y.numel(), 1.0, 0.8)[0]).reshape(y.shape)
    (y * g).sum().backward()
    return {
        "x": flat(xv), "w": flat(wv), "b": flat(bv), "g": flat(g),
        "x_shape": xs, "w_shape": ws, "y_shape": list(y.shape),
        "strides": list(geometry.get("stride", [1] * (len(xs) - 2))),
        "padding": list(geometry.get("padding", [0] * (len(xs) - 2))),
        "dilation": list(geometry.get("dilation", [1] * (len(xs) - 2))),
        "y": flat(y), "dx": flat(xv.grad), "dw": flat(wv.grad), "db": flat(bv.grad),
    }


F = torch.nn.functional
out["convolution"] = {
    "2d": conv_case(F.conv2d, [2, 3, 7, 6], [4, 3, 3, 2], stride=[2, 1], padding=[1, 0],
                    dilation=[1, 2]),
    "1d": conv_case(F.conv1d, [2, 2, 9], [3, 2, 3], stride=[2], padding=[1], dilation=[1]),
    "3d": conv_case(F.conv3d, [1, 2, 4, 5, 3], [2, 2, 2, 3, 2], stride=[1, 1, 1],
                    padding=[1, 0, 1], dilation=[1, 1, 1]),
}

# Pooling: max (ties and padding included), the mean counting padding and not, in one, two and
# three spatial dimensions; the output and the gradient of sum(y * g) for the input.
def pool_case(kind, xs, kernel, stride, padding):
    n = 1
    for v in xs:
        n *= v
    # Rounded to quarters, so that some windows hold ties.
    xv = torch.tensor([round(4 * v) / 4 for v in values(1, n, 2.0, 0.9)[0]]).reshape(xs)
    xv.requires_grad_()
    spatial = len(xs) - 2
    if kind == "max":
        fn = [F.max_pool1d, F.max_pool2d, F.max_pool3d][spatial - 1]
        y = fn(xv, kernel, stride, padding)
    else:
        fn = [F.avg_pool1d, F.avg_pool2d, F.avg_pool3d][spatial - 1]
        y = fn(xv, kernel, stride, padding, count_include_pad=(kind == "avg"))
    g = torch.tensor(values(1, y.numel(), 1.0, 0.4)[0]).reshape(y.shape)
    (y * g).sum().backward()
    return {
        "kind": kind, "x_shape": xs, "y_shape": list(y.shape), "kernel": kernel,
        "strides": stride, "padding": padding,
        "x": flat(xv), "g": flat(g), "y": flat(y), "dx": flat(xv.grad),
    }


out["pooling"] = {
    "max 2d": pool_case("max", [2, 3, 7, 6], [3, 2], [2, 2], [1, 1]),
    "avg 2d": pool_case("avg", [2, 3, 7, 6], [3, 3], [2, 1], [1, 1]),
    "avg-exclude-padding 2d": pool_case("avg-exclude-padding", [2, 3, 7, 6], [3, 3], [2, 1], [1, 1]),
    "max 1d": pool_case("max", [2, 2, 9], [3], [2], [1]),
    "avg 3d": pool_case("avg", [1, 2, 4, 5, 4], [2, 3, 2], [2, 2, 2], [0, 1, 1]),
}

# Batch normalization in training (the batch's statistics) and inference (given ones), with
# the gradients of sum(y * g) for the input, the scale and the shift.
def bn_case(xs):
    n = 1
    for v in xs:
        n *= v
    c = xs[1]
    xv = torch.tensor(values(1, n, 2.0, 0.5)[0]).reshape(xs).requires_grad_()
    gamma = torch.tensor(values(1, c, 0.5, 1.7)[0]).add(1.0).requires_grad_()
    beta = torch.tensor(values(1, c, 0.3, 0.2)[0]).requires_grad_()
    y = F.batch_norm(xv, None, None, gamma, beta, training=True, eps=1e-5)
    g = torch.tensor(values(1, y.numel(), 1.0, 1.1)[0]).reshape(y.shape)
    (y * g).sum().backward()
    dims_ = [0] + list(range(2, len(xs)))
    mean = xv.detach().mean(dim=dims_)
    var = xv.detach().var(dim=dims_, unbiased=False)
    running_mean = torch.tensor(values(1, c, 0.4, 2.9)[0])
    running_var = torch.tensor(values(1, c, 0.4, 0.6)[0]).abs().add(0.5)
    inference = F.batch_norm(xv.detach(), running_mean, running_var, gamma.detach(),
                             beta.detach(), training=False, eps=1e-5)
    return {
        "x_shape": xs, "x": flat(xv), "g": flat(g), "scale": flat(gamma), "shift": flat(beta),
        "y": flat(y), "mean": flat(mean), "variance": flat(var),
        "dx": flat(xv.grad), "dscale": flat(gamma.grad), "dshift": flat(beta.grad),
        "running_mean": flat(running_mean), "running_variance": flat(running_var),
        "inference": flat(inference),
    }


out["batch_norm"] = {"2d": bn_case([4, 3, 5, 2]), "1d": bn_case([6, 4]), "3d": bn_case([2, 2, 3, 2, 2])}


# A whole convolutional network, as knap's layers build it (tests/dnn/cnn_torch_test.ts): its
# state dict in PyTorch's names, a batch and its classes; the mean cross-entropy of one training
# pass, every parameter's gradient, the running statistics that pass leaves, and the logits in
# evaluation mode after one SGD step of rate 1.
def cnn_case():
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1), nn.Tanh(), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(3, 4, 2), nn.Sigmoid(), nn.AvgPool2d(2, stride=1), nn.Flatten(),
        nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    phase = 0.3
    with torch.no_grad():
        for name, p in net.named_parameters():
            phase += 0.9
            scale = 0.3 if name.endswith("bias") else 0.8
            p.copy_(torch.tensor(values(1, p.numel(), scale, phase)[0]).reshape(p.shape))
            if name == "2.weight":
                p.add_(1.0)
    state = {k: {"shape": list(v.shape), "values": flat(v)}
             for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    x = torch.tensor(values(1, 4 * 2 * 6 * 6, 1.5, 0.7)[0]).reshape(4, 2, 6, 6)
    classes = torch.tensor([0, 2, 1, 2])
    net.train()
    loss = F.cross_entropy(net(x), classes)
    loss.backward()
    grads = {k: flat(p.grad) for k, p in net.named_parameters()}
    running = {"mean": flat(net[2].running_mean), "variance": flat(net[2].running_var)}
    torch.optim.SGD(net.parameters(), lr=1.0).step()
    net.eval()
    with torch.no_grad():
        logits = net(x)
    return {"state": state, "x": flat(x), "classes": classes.tolist(), "loss": loss.item(),
            "grads": grads, "running": running, "logits_after_step": flat(logits)}


out["cnn"] = cnn_case()


# Cross-entropies far past where a probability rounds to 0 or 1 (samples in rows): the mean of
# cross_entropy over classes given by index, and of binary_cross_entropy_with_logits over one-hot,
# soft and saturated targets; the per-sample losses beside each.
ce_logits = torch.tensor([[0.0, 40.0, -3.0], [100.0, -100.0, 0.5], [-20.0, 20.0, 60.0],
                          [1.0, 2.0, 3.0], [-1000.0, 0.0, 1000.0]])
ce_classes = torch.tensor([0, 1, 0, 2, 0])
bce_logits = torch.tensor([[40.0], [-40.0], [100.0], [-100.0], [0.5], [17.0], [-30.0], [3.0]])
bce_targets = torch.tensor([[0.0], [1.0], [1.0], [0.0], [0.25], [0.0], [0.5], [1.0]])
out["crossentropy"] = {
    "categorical": {
        "logits": tolist(ce_logits), "classes": ce_classes.tolist(),
        "cost": F.cross_entropy(ce_logits, ce_classes).item(),
        "per": F.cross_entropy(ce_logits, ce_classes, reduction="none").tolist(),
    },
    "sigmoid": {
        "logits": tolist(bce_logits), "targets": tolist(bce_targets),
        "cost": F.binary_cross_entropy_with_logits(bce_logits, bce_targets).item(),
        "per": F.binary_cross_entropy_with_logits(bce_logits, bce_targets, reduction="none")
        .reshape(-1).tolist(),
    },
}
print(json.dumps(out, indent=1))

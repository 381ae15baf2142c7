/**
 * Optimizers, dropout and the cross-entropy cost: their updates against closed forms, their
 * gradients against finite differences, and their effect on learning.
 */
import { assert, assertThrows } from "../conformance/assert.ts";
import {
  entry,
  entry_,
  ge,
  jsDouble,
  randUniform_,
  toArray,
  transfer,
  transfer_,
  vctr,
} from "../../mod.ts";
import {
  adam,
  fullyConnected,
  gradientDescent,
  infer,
  inferenceNetwork,
  init_,
  momentum,
  type Optimizer,
  quadraticCost_,
  rmsprop,
  sgd,
  sigmoidCrossentropyCost_,
  trainingNetwork,
} from "../../lib/nn/mod.ts";
import { race, regression } from "../../tutorials/_regression.ts";
import { gpu, learningFactories } from "./_factories.ts";

const factories = learningFactories();

/** Two steps of each optimizer on one parameter, against the formulas in plain numbers. */
const closedForms: [string, Optimizer, (w: number, g: number[], eta: number) => number][] = [
  ["gradientDescent with decay", gradientDescent({ weightDecay: 0.1 }), (w, g, eta) => {
    for (const gi of g) w -= eta * (gi + 0.1 * w);
    return w;
  }],
  ["momentum", momentum({ mu: 0.5 }), (w, g, eta) => {
    let v = 0;
    for (const gi of g) {
      v = 0.5 * v - eta * gi;
      w += v;
    }
    return w;
  }],
  ["nesterov", momentum({ mu: 0.5, nesterov: true }), (w, g, eta) => {
    let v = 0;
    for (const gi of g) {
      v = 0.5 * v - eta * gi;
      w += 0.5 * v - eta * gi;
    }
    return w;
  }],
  ["rmsprop", rmsprop({ rho: 0.8, epsilon: 1e-3 }), (w, g, eta) => {
    let s = 0;
    for (const gi of g) {
      s = 0.8 * s + 0.2 * gi * gi;
      w -= eta * gi / (Math.sqrt(s) + 1e-3);
    }
    return w;
  }],
  ["adam", adam({ beta1: 0.8, beta2: 0.9, epsilon: 1e-3 }), (w, g, eta) => {
    let m = 0, s = 0;
    g.forEach((gi, i) => {
      const t = i + 1;
      m = 0.8 * m + 0.2 * gi;
      s = 0.9 * s + 0.1 * gi * gi;
      // Kingma and Ba's efficient form: ε̂ is added to √s before the bias corrections.
      w -= eta * Math.sqrt(1 - 0.9 ** t) / (1 - 0.8 ** t) * m / (Math.sqrt(s) + 1e-3);
    });
    return w;
  }],
];

for (const make of factories) {
  const label = (await make()).name;
  Deno.test(`[${label}] every optimizer's update follows its formula`, async () => {
    const f = await make();
    for (const [name, opt, formula] of closedForms) {
      using w = vctr(f, [1, -2, 0.5]);
      using state = opt.state(w);
      const grads = [[0.3, -0.1, 2], [0.2, 0.4, -1]];
      for (const [t, g] of grads.entries()) {
        using gv = vctr(f, g);
        state.update_(w, gv, 0.1, t + 1, true);
      }
      using back = await transfer(w);
      [1, -2, 0.5].forEach((w0, i) => {
        const want = formula(w0, grads.map((g) => g[i]), 0.1);
        const got = back.toArray()[i];
        assert(Math.abs(got - want) < 1e-5, `${name}[${i}]: ${got}, expected ${want}`);
      });
    }
  });

  Deno.test(`[${label}] momentum, Nesterov, RMSprop and Adam learn the regression in fewer epochs than plain descent`, async () => {
    const f = await make();
    const { x, y } = regression(
      f,
      gpu.available && gpu.software && f.location === "device" ? 200 : 1000,
      1,
    );
    // The epoch the cost first fell below 0.03 (checked every 20 of 800); ∞ if never.
    const epochsTo = async (opt: Optimizer | undefined, eta: number): Promise<number> => {
      const [reached] = await race(x, y, opt, eta, { epochs: 800, below: 0.03, every: 20 });
      return Number.isNaN(reached) ? Infinity : reached;
    };
    const plain = await epochsTo(undefined, 0.05);
    for (
      const [name, opt, eta] of [
        ["momentum", momentum(), 0.05],
        ["nesterov", momentum({ nesterov: true }), 0.05],
        ["rmsprop", rmsprop(), 0.002],
        ["adam", adam(), 0.01],
      ] as const
    ) {
      const epochs = await epochsTo(opt, eta);
      assert(
        epochs < plain,
        `${name}: cost below 0.03 after ${epochs} epochs, plain descent ${plain}`,
      );
    }
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });

  Deno.test(`[${label}] dropout: the next layer sees ~p zeros and survivors scaled by 1/(1 − p)`, async () => {
    const f = await make();
    using net = inferenceNetwork(f, 2, [
      fullyConnected(200, "sigmoid", { dropout: 0.25 }),
      fullyConnected(200, "linear"),
    ]);
    using eye = ge(jsDouble, 200, 200);
    for (let i = 0; i < 200; i++) entry_(eye, i, i, 1); // the identity: output = dropped input
    transfer_(eye, net.layers[1].weights);
    using x = ge(f, 2, 10);
    using t = trainingNetwork(net, x);
    using out = await transfer(jsDouble, t.forward());
    const values = Array.from(out.toArray());
    const zeros = values.filter((v) => v === 0).length / values.length;
    assert(Math.abs(zeros - 0.25) < 0.04, `dropped fraction ${zeros}`);
    const survivors = values.filter((v) => v !== 0);
    assert(
      survivors.every((v) => Math.abs(v - 0.5 / 0.75) < 1e-5),
      "survivors scaled by 1/(1 − p)",
    );
    using inferred = await transfer(jsDouble, infer(net, x));
    assert(
      Array.from(inferred.toArray()).every((v) => Math.abs(v - 0.5) < 1e-6),
      "inference drops nothing",
    );
  });
}

Deno.test("sigmoid cross-entropy: backprop matches finite differences, and other outputs are refused", () => {
  using net = init_(
    inferenceNetwork(jsDouble, 3, [fullyConnected(4, "tanh"), fullyConnected(2, "sigmoid")]),
    { seed: 5 },
  );
  using x = randUniform_(ge(jsDouble, 3, 6), { lo: -1, hi: 1, seed: 1 });
  using y = ge(jsDouble, 2, 6, [1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1]);
  using t = trainingNetwork(net, x, gradientDescent());
  const cost = () => {
    t.forward();
    t.outputError(sigmoidCrossentropyCost_, y);
    return t.cost(sigmoidCrossentropyCost_, y) as number;
  };
  const w = net.layers[0].weights;
  const numeric: number[] = [];
  for (let k = 0; k < 12; k++) {
    const [i, j] = [k % 4, Math.floor(k / 4)];
    const v = entry(w, i, j), h = 1e-6;
    entry_(w, i, j, v + h);
    const up = cost();
    entry_(w, i, j, v - h);
    const down = cost();
    entry_(w, i, j, v);
    numeric.push((up - down) / (2 * h));
  }
  const before = Array.from(toArray(w));
  cost();
  t.backward(1);
  const after = toArray(w);
  numeric.forEach((g, k) => {
    const analytic = before[k] - after[k];
    assert(
      Math.abs(analytic - g) < 1e-6 * Math.max(1, Math.abs(g)),
      `w[${k}]: ${analytic} vs ${g}`,
    );
  });
  using linear = inferenceNetwork(jsDouble, 3, [fullyConnected(2, "linear")]);
  using tl = trainingNetwork(linear, x);
  assertThrows(
    () => sgd(tl, y, sigmoidCrossentropyCost_, 1, 0.1),
    TypeError,
    "sigmoid output",
    "linear",
  );
});

Deno.test("the optimizer path (explicit gradients, then the update) matches the fused one", () => {
  const make = () =>
    init_(inferenceNetwork(jsDouble, 2, [fullyConnected(3, "relu"), fullyConnected(1, "linear")]), {
      seed: 9,
    });
  using a = make(), b = make();
  using x = randUniform_(ge(jsDouble, 2, 8), { seed: 3 });
  using y = randUniform_(ge(jsDouble, 1, 8), { seed: 4 });
  using fused = trainingNetwork(a, x);
  using explicit = trainingNetwork(b, x, gradientDescent());
  for (const t of [fused, explicit]) {
    t.forward();
    t.outputError(quadraticCost_, y);
    t.backward(0.1);
  }
  a.layers.forEach((l, i) => {
    const [wa, wb] = [toArray(l.weights), toArray(b.layers[i].weights)];
    wa.forEach((v, k) =>
      assert(Math.abs(v - wb[k]) < 1e-12, `layer ${i} w[${k}]: ${v} vs ${wb[k]}`)
    );
    const [ba, bb] = [toArray(l.bias), toArray(b.layers[i].bias)];
    ba.forEach((v, k) => assert(Math.abs(v - bb[k]) < 1e-12, `layer ${i} b[${k}]`));
  });
});

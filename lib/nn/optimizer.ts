/**
 * Optimizers: how a training network turns a gradient into a weight update. Each keeps its
 * state (velocities, running averages) in buffers made when the training network is built, and
 * updates in place — an epoch allocates nothing.
 *
 * For a parameter w with gradient g (already averaged over the batch), step η and step count t:
 * - `gradientDescent`: w ← w − η(g + λw)
 * - `momentum`: v ← μv − η(g + λw); w ← w + v (Nesterov: w ← w + μv − η(g + λw))
 * - `rmsprop`: s ← ρs + (1 − ρ)g²; w ← w − η g / (√s + ε)
 * - `adam`: m ← β₁m + (1 − β₁)g; s ← β₂s + (1 − β₂)g²; w ← w − η m̂ / (√ŝ + ε), with
 *   m̂ = m / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ)
 * Weight decay λ applies to weights, not biases.
 *
 * @module
 */

import type { Structure } from "../core/structures.ts";
import { axpby_, axpy_ } from "../blas.ts";
import { alike } from "../core/construct.ts";
import { div_, linearFrac_, sqr_, sqrt_ } from "../math.ts";
import { adamUpdate_ } from "../adam.ts";
import { nonNegative, within } from "../core/checks.ts";

/** The per-parameter state an optimizer keeps, and its update. */
export interface OptimizerState extends Disposable {
  /** w ← the update of w by gradient g (which it may overwrite), at step t ≥ 1. */
  update_(w: Structure, g: Structure, eta: number, t: number, decay: boolean): void;
}

/** An optimizer: makes state for each parameter of a training network. */
export interface Optimizer {
  /** Its name, with its hyperparameters, for printing. */
  readonly name: string;
  /** State for a parameter shaped like `like`, on its factory. */
  state(like: Structure): OptimizerState;
}

/** λ, checked: a finite rate ≥ 0. */
function decayRate(op: string, options: DecayOptions): number {
  const lambda = options.weightDecay ?? 0;
  nonNegative(op, lambda, "weightDecay");
  return lambda;
}

/** A running average's decay, checked: in [0, 1) — at 1 the average never moves. */
function decay(op: string, v: number, name: string): number {
  within(op, v, name, 0, 1);
  return v;
}

/** ε, checked: finite and positive, or the update divides by zero where a gradient is 0. */
function epsilonOf(op: string, v: number): number {
  nonNegative(op, v, "epsilon", true);
  return v;
}

function decayed(g: Structure, w: Structure, lambda: number, decay: boolean): Structure {
  if (decay && lambda !== 0) axpy_(lambda, w, g);
  return g;
}

const stateless = (update: OptimizerState["update_"]): OptimizerState => ({
  update_: update,
  [Symbol.dispose]() {},
});

/** Options shared by every optimizer. */
export interface DecayOptions {
  /** L2 weight decay λ (default 0). */
  readonly weightDecay?: number;
}

/**
 * Plain gradient descent, with optional weight decay.
 *
 * @example
 * ```ts
 * import { gradientDescent } from "@knap/knap/nn";
 * if (gradientDescent({ weightDecay: 1e-4 }).name !== "gradientDescent(λ=0.0001)") throw new Error();
 * ```
 */
export function gradientDescent(options: DecayOptions = {}): Optimizer {
  const lambda = decayRate("gradientDescent", options);
  return {
    name: `gradientDescent(λ=${lambda})`,
    state: () => stateless((w, g, eta, _t, decay) => axpy_(-eta, decayed(g, w, lambda, decay), w)),
  };
}

/** Options of {@linkcode momentum}. */
export interface MomentumOptions extends DecayOptions {
  /** μ, the fraction of the velocity kept (default 0.9). */
  readonly mu?: number;
  /** Nesterov's look-ahead form (default false). */
  readonly nesterov?: boolean;
}

/**
 * Gradient descent with momentum (or Nesterov momentum): steps build up speed along
 * consistent directions.
 *
 * @example
 * ```ts
 * import { momentum } from "@knap/knap/nn";
 * if (!momentum({ nesterov: true }).name.startsWith("nesterov")) throw new Error();
 * ```
 */
export function momentum(options: MomentumOptions = {}): Optimizer {
  const lambda = decayRate("momentum", options);
  const mu = decay("momentum", options.mu ?? 0.9, "mu");
  const nesterov = options.nesterov ?? false;
  return {
    name: `${nesterov ? "nesterov" : "momentum"}(μ=${mu}, λ=${lambda})`,
    state(like) {
      const v = alike(like);
      return {
        update_(w, g, eta, _t, decay) {
          decayed(g, w, lambda, decay);
          axpby_(-eta, g, mu, v);
          if (nesterov) {
            axpy_(mu, v, w);
            axpy_(-eta, g, w);
          } else axpy_(v, w);
        },
        [Symbol.dispose]: () => v[Symbol.dispose](),
      };
    },
  };
}

/** Options of {@linkcode rmsprop}. */
export interface RmspropOptions extends DecayOptions {
  /** ρ, the decay of the running average of g² (default 0.9). */
  readonly rho?: number;
  /** ε, added to √s (default 1e-8; 1e-6 suits float32 better on some data). */
  readonly epsilon?: number;
}

/**
 * RMSprop: each weight's step divided by the running root mean square of its gradients.
 *
 * @example
 * ```ts
 * import { rmsprop } from "@knap/knap/nn";
 * if (!rmsprop().name.startsWith("rmsprop")) throw new Error();
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  const lambda = decayRate("rmsprop", options);
  const rho = decay("rmsprop", options.rho ?? 0.9, "rho");
  const epsilon = epsilonOf("rmsprop", options.epsilon ?? 1e-8);
  return {
    name: `rmsprop(ρ=${rho}, ε=${epsilon}, λ=${lambda})`,
    state(like) {
      const s = alike(like), tmp = alike(like);
      return {
        update_(w, g, eta, _t, decay) {
          decayed(g, w, lambda, decay);
          axpby_(1 - rho, sqr_(g, tmp), rho, s);
          // g ← g / (√s + ε), in passes every engine runs natively (oneDNN sqrt, linear, div).
          div_(g, linearFrac_(1, sqrt_(s, tmp), epsilon));
          axpy_(-eta, g, w);
        },
        [Symbol.dispose]() {
          s[Symbol.dispose]();
          tmp[Symbol.dispose]();
        },
      };
    },
  };
}

/** Options of {@linkcode adam}. */
export interface AdamOptions extends DecayOptions {
  /** β₁, the decay of the first moment (default 0.9). */
  readonly beta1?: number;
  /** β₂, the decay of the second moment (default 0.999). */
  readonly beta2?: number;
  /** ε̂ (default 1e-8), added to √s as in the paper's efficient form and TensorFlow. */
  readonly epsilon?: number;
}

/**
 * Adam (Kingma and Ba, 2015): momentum and RMSprop together, with their start-up bias
 * corrected. The usual step is η = 0.001.
 *
 * @example
 * ```ts
 * import { adam } from "@knap/knap/nn";
 * if (adam().name !== "adam(β₁=0.9, β₂=0.999, ε=1e-8, λ=0)") throw new Error();
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer {
  const lambda = decayRate("adam", options);
  const beta1 = decay("adam", options.beta1 ?? 0.9, "beta1");
  const beta2 = decay("adam", options.beta2 ?? 0.999, "beta2");
  const epsilon = epsilonOf("adam", options.epsilon ?? 1e-8);
  return {
    name: `adam(β₁=${beta1}, β₂=${beta2}, ε=${epsilon}, λ=${lambda})`,
    state(like) {
      const m = alike(like);
      const s = alike(like);
      return {
        update_(w, g, eta, t, decay) {
          decayed(g, w, lambda, decay);
          // The paper's efficient form, w ← w − ηₜ · m / (√s + ε̂) with ηₜ = η √(1 − β₂ᵗ)/(1 − β₁ᵗ):
          // the bias corrections go into the step's scalar, so a composed update keeps the same
          // constants every step (oneDNN builds a primitive per constant; bench/mnist_compare.ts).
          const rate = eta * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
          adamUpdate_(w, g, m, s, rate, beta1, beta2, epsilon);
        },
        [Symbol.dispose]() {
          m[Symbol.dispose]();
          s[Symbol.dispose]();
        },
      };
    },
  };
}

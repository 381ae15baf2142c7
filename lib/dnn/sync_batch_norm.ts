/**
 * Batch normalization over a data-parallel job's whole batch (PyTorch's SyncBatchNorm): every
 * rank normalizes with the statistics of all ranks' samples, and its input's error uses the
 * whole batch's sums, so a job trains as one process would.
 *
 * The planned operations stay the per-rank ones; what crosses ranks is per channel and small.
 * Forward: the local pass writes each rank's mean μᵣ and variance σᵣ²; the ranks combine them
 * exactly for equal shares — μ = mean(μᵣ), σ² = mean(σᵣ² + (μᵣ − μ)²), two blocking all-reduces
 * of c numbers, no E[x²] − μ² cancellation — and an inference pass with μ and σ² overwrites the
 * output. Backward: the planned pass, given μ and σ², writes dβ = Σ dy and dγ = Σ dy·x̂ over this
 * rank's m entries per channel and dx = γ/σ (dy − dβ/m − x̂·dγ/m); the whole batch's dx has the
 * sums over all N = m·ranks entries in their place, which differs by A + B·x̂ per channel with
 * A = γ/σ (dβ/m − Σᵣdβ/N) and B = γ/σ (dγ/m − Σᵣdγ/N) — one more inference pass (scale B,
 * shift A) computes it, and it is added to dx.
 *
 * @module
 */

import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import type { Vector } from "../core/structures.ts";
import { vctr } from "../core/construct.ts";
import { subvector } from "../core/views.ts";
import { axpby_, axpy_, copy_, scal_ } from "../blas.ts";
import { div_, linearFrac_, mul_, sqrt_ } from "../math.ts";
import { batchNormForward } from "../tensor/batch_norm.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/construct.ts";
import { tensorVctr } from "../tensor/views.ts";

/**
 * The ranks of a data-parallel job as batch normalization needs them: how many, and a blocking
 * sum of a small host vector over them, in place. `train` makes one from its communicator.
 *
 * @example A job of two ranks holding the same samples, in one process
 * ```ts
 * import { scal_ } from "@knap/knap";
 * import type { RankSync } from "@knap/knap/dnn";
 * const mirrored: RankSync = { ranks: 2, sum: (v) => void scal_(2, v) };
 * if (mirrored.ranks !== 2) throw new Error("unexpected");
 * ```
 */
export interface RankSync {
  /** The processes of the job, each with an equal share of every batch. */
  readonly ranks: number;
  /** v ← the sum of every rank's v. */
  sum(v: Vector): void;
}

/** The tensors of one training pass of a batch normalization layer. */
export interface SyncedTensors<L extends Loc> {
  readonly x: Tensor<L>;
  /** The normalized output; after the backward pass's activation step a free buffer. */
  readonly z: Tensor<L>;
  /** The error of x, when the layer below wants one. */
  readonly dx: Tensor<L> | undefined;
  readonly scale: Tensor<L>;
  readonly shift: Tensor<L>;
  /** The pass's μ and σ²: this rank's after the local pass, the job's after `forward`. */
  readonly mean: Tensor<L>;
  readonly variance: Tensor<L>;
  readonly dScale: Tensor<L>;
  readonly dShift: Tensor<L>;
}

/** The steps a synchronized layer adds, and what they own. */
export interface SyncedSteps extends Disposable {
  /** After the local forward pass: the job's μ and σ² in place of this rank's, and z from them. */
  readonly forward: { run(): void };
  /** After the local backward pass: dx corrected to the whole batch's (when there is a dx). */
  readonly backward: { run(): void } | undefined;
}

/** Plans the steps that make a batch normalization pass the job's; `epsilon` as the layer's. */
export function syncedBatchNorm<L extends Loc>(
  t: SyncedTensors<L>,
  sync: RankSync,
  epsilon: number,
): SyncedSteps {
  const f = t.x.factory as Factory<L>, c = t.mean.size, ranks = sync.ranks;
  const m = t.x.size / c, whole = m * ranks;
  const [mean, variance] = [tensorVctr(t.mean), tensorVctr(t.variance)];
  const [scale, dScale, dShift] = [tensorVctr(t.scale), tensorVctr(t.dScale), tensorVctr(t.dShift)];
  // One buffer of 2c for the reductions (the backward pass sums both halves at once) and the
  // per-channel coefficients.
  const both = vctr(f, 2 * c), first = subvector(both, 0, c), second = subvector(both, c, c);
  const [sigma, a, b] = [tensor(f, [c]), tensor(f, [c]), tensor(f, [c])];
  const [sigmaV, aV, bV] = [tensorVctr(sigma), tensorVctr(a), tensorVctr(b)];
  const owned: Disposable[] = [both, sigma, a, b];
  try {
    const normalize = batchNormForward(t.x, t.z, {
      scale: t.scale,
      shift: t.shift,
      mean: t.mean,
      variance: t.variance,
    }, {
      training: false,
      epsilon,
    });
    const correction = t.dx === undefined ? undefined : batchNormForward(
      t.x,
      t.z,
      { scale: b, shift: a, mean: t.mean, variance: t.variance },
      { training: false, epsilon },
    );
    const dxV = t.dx === undefined ? undefined : tensorVctr(t.dx);
    const zV = tensorVctr(t.z);
    return {
      forward: {
        run() {
          copy_(mean, first);
          sync.sum(first);
          scal_(1 / ranks, first);
          // σᵣ² + (μᵣ − μ)²: each rank's spread about the job's mean.
          copy_(mean, second);
          axpy_(-1, first, second);
          mul_(second, second);
          axpy_(1, variance, second);
          sync.sum(second);
          scal_(1 / ranks, second);
          copy_(first, mean);
          copy_(second, variance);
          normalize.run();
        },
      },
      backward: correction === undefined ? undefined : {
        run() {
          copy_(dShift, first);
          copy_(dScale, second);
          sync.sum(both);
          axpby_(1 / m, dShift, -1 / whole, first);
          axpby_(1 / m, dScale, -1 / whole, second);
          sqrt_(linearFrac_(1, copy_(variance, sigmaV), epsilon));
          div_(mul_(copy_(scale, aV), first), sigmaV);
          div_(mul_(copy_(scale, bV), second), sigmaV);
          // z is free here (the activation's backward step has read it): A + B·x̂ into it.
          correction.run();
          axpy_(1, zV, dxV!);
        },
      },
      [Symbol.dispose]() {
        for (const o of owned) o[Symbol.dispose]();
      },
    };
  } catch (e) {
    for (const o of owned) o[Symbol.dispose]();
    throw e;
  }
}

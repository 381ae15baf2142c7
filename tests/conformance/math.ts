/**
 * The vect-math conformance suite: every function of the elementwise table, through its
 * public allocating and destructive forms, against Math on random structures of every layout.
 */
import { test } from "./register.ts";
import fc from "npm:fast-check@^4.3.0";
import { assert, assertEquals } from "./assert.ts";
import * as knap from "../../mod.ts";
import * as engineApi from "../../lib/engine/mod.ts";
import * as vm from "../../lib/vect_math/mod.ts";
import type { Factory, Structure } from "../../mod.ts";
import type { ElementwiseOp, OpName } from "../../lib/engine/mod.ts";
import * as special from "../../lib/elementwise/special.ts";
import {
  assertAllClose,
  makeMatrix,
  makeVector,
  matSpec,
  readMatrix,
  readVector,
  representable,
  RUNS,
  sentinels,
  tolerance,
  toRows,
  values,
  vecSpec,
} from "./fixtures.ts";

/** knap's root module with the vect-math, engine, linalg and ops names these checks reach. */
const k = { ...knap, ...vm, ...engineApi };

type Ref = (x: number, y: number) => number;

const roundAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));
const roundEven = (v: number) => {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const logSigmoid = (v: number) => v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));

/** Plain-Math references, written independently of the table's expressions. */
const references: Record<OpName, Ref> = {
  sqr: (x) => x * x,
  sqrt: Math.sqrt,
  abs: Math.abs,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : 0),
  elu: (x) => (x > 0 ? x : 0.7 * Math.expm1(x)),
  linear: (x) => 1.5 * x - 0.25,
  signum: Math.sign,
  round: roundAway,
  floor: Math.floor,
  ceil: Math.ceil,
  inv: (x) => 1 / x,
  powx: (x) => Math.pow(x, 1.7),
  pow: Math.pow,
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  fmax: Math.max,
  fmin: Math.min,
  linearFrac: (x, y) => (2 * x + 1) / (0.5 * y + 3),
  clamp: (x) => Math.min(Math.max(x, -0.5), 1.5),
  // −[y ln σ(x) + (1 − y) ln σ(−x)], ln σ written stably for either sign.
  sigmoidCrossentropy: (x, y) => -(y * logSigmoid(x) + (1 - y) * logSigmoid(-x)),
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  atan2: Math.atan2,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  hypot: Math.hypot,
  cbrt: Math.cbrt,
  invCbrt: (x) => 1 / Math.cbrt(x),
  invSqrt: (x) => 1 / Math.sqrt(x),
  pow23: (x) => Math.cbrt(x * x),
  pow32: (x) => Math.pow(x, 1.5),
  log10: Math.log10,
  // Math has no error or gamma function: special.ts's, which the accuracy test checks against
  // 40-digit values.
  erf: special.erf,
  erfc: special.erfc,
  erfInv: special.erfInv,
  erfcInv: special.erfcInv,
  cdfNorm: special.cdfNorm,
  cdfNormInv: (p) => -Math.SQRT2 * special.erfcInv(2 * p),
  gamma: special.gamma,
  lgamma: special.lgamma,
  trunc: Math.trunc,
  frac: (x) => x - Math.trunc(x),
  copySign: (x, y) => (y < 0 || Object.is(y, -0) ? -Math.abs(x) : Math.abs(x)),
  fmod: (x, y) => x % y,
  frem: (x, y) => x - y * roundEven(x / y),
};

type Fns = {
  pure: (x: Structure, y: Structure) => Structure;
  destructive: (x: Structure, y: Structure, out: Structure) => Structure;
  inPlace: (x: Structure, y: Structure) => Structure;
  /** False where the public function has no output argument and the test copies x first. */
  ownOutput?: boolean;
};

function publicForms(name: OpName): Fns {
  const m = { ...k, ...vm } as unknown as Record<string, (...a: unknown[]) => Structure>;
  switch (name) {
    case "elu":
      return {
        pure: (x) => k.elu(x, 0.7),
        destructive: (x, _y, o) => k.elu_(x, 0.7, o),
        inPlace: (x) => k.elu_(x, 0.7),
      };
    case "linear":
      return {
        pure: (x) => k.linearFrac(1.5, x, -0.25),
        destructive: (x, _y, o) => k.linearFrac_(1.5, k.copy_(x, o), -0.25),
        inPlace: (x) => k.linearFrac_(1.5, x, -0.25),
      };
    case "clamp":
      return {
        pure: (x) => k.clamp(x, -0.5, 1.5),
        destructive: (x, _y, o) => k.clamp_(x, -0.5, 1.5, o),
        inPlace: (x) => k.clamp_(x, -0.5, 1.5),
      };
    case "powx":
      return {
        pure: (x) => k.pow(x, 1.7),
        destructive: (x, _y, o) => k.pow_(x, 1.7, o),
        inPlace: (x) => k.pow_(x, 1.7),
      };
    case "pow":
      return {
        pure: (x, y) => k.pow(x, y),
        destructive: (x, y, o) => k.pow_(x, y, o),
        inPlace: (x, y) => k.pow_(x, y),
      };
    case "linearFrac":
      return {
        pure: (x, y) => k.linearFrac(2, x, 1, 0.5, y, 3),
        destructive: (x, y, o) => k.linearFrac_(2, k.copy_(x, o), 1, 0.5, y, 3),
        inPlace: (x, y) => k.linearFrac_(2, x, 1, 0.5, y, 3),
        ownOutput: false,
      };
    default: {
      const binary = k.ops[name].arity === 2;
      return {
        pure: (x, y) => binary ? m[name](x, y) : m[name](x),
        destructive: (x, y, o) => binary ? m[`${name}_`](x, y, o) : m[`${name}_`](x, o),
        inPlace: (x, y) => binary ? m[`${name}_`](x, y) : m[`${name}_`](x),
      };
    }
  }
}

function inputs(op: ElementwiseOp, seed: number, n: number): [number[], number[]] {
  const d = op.domain;
  const xs = values(seed, n, d.lo, d.hi, d.awayFromZero);
  // Binary ops take y from the same domain; linearFrac's denominator 0.5y + 3 stays away from 0.
  const ys = values(seed + 1, n, d.lo, d.hi, d.awayFromZero);
  return [xs, ys];
}

/** Registers the vect-math conformance tests for a factory; `note` tells apart a second run. */
export function mathConformance(f: Factory, note = ""): void {
  const tol = tolerance(f) * 5;
  // add and sub have no vect-math function (axpy is BLAS): tensors reach them through binary,
  // which tests/tensor/ops_test.ts checks on every engine.
  const names = (Object.keys(k.ops) as OpName[]).filter((n) => n !== "add" && n !== "sub");
  for (const name of names) {
    const op = k.ops[name];
    const forms = publicForms(name);
    const ref = references[name];
    test(`[${f.name}${note}] ${name}: allocating, into an output, and in place, on vectors and matrices`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 30 }).chain((d) =>
            fc.tuple(vecSpec(fc.constant(d)), vecSpec(fc.constant(d)), vecSpec(fc.constant(d)))
          ),
          matSpec(),
          fc.constantFrom<knap.Layout>("column", "row"),
          fc.integer({ min: 0, max: 2 ** 31 }),
          async ([sx, sy, so], sa, lb, s) => {
            // vectors
            const [xs0, ys0] = inputs(op, s, sx.dim);
            const xs = representable(f, xs0), ys = representable(f, ys0);
            const want = xs.map((v, i) => ref(v, ys[i]));
            const x = makeVector(f, sx, xs),
              y = makeVector(f, sy, ys),
              o = makeVector(f, so, xs.map(() => 0));
            using fresh = forms.pure(x.v, y.v) as knap.Vector;
            assertAllClose(await readVector(fresh), want, tol, `${name}(x)`);
            const before = await sentinels(o.parent);
            assert(forms.destructive(x.v, y.v, o.v) === o.v, `${name}_ returns its output`);
            assertAllClose(await readVector(o.v), want, tol, `${name}_(x, out)`);
            assertEquals(await sentinels(o.parent), before, `${name}_ stays inside its output`);
            assertAllClose(await readVector(x.v), xs, 0, `${name}_ leaves x`);
            assert(forms.inPlace(x.v, y.v) === x.v, `${name}_ in place returns x`);
            assertAllClose(await readVector(x.v), want, tol, `${name}_(x)`);
            if (op.arity === 2 && forms.ownOutput !== false) {
              assertAllClose(await readVector(y.v), ys, 0, `${name}_ leaves y`);
              forms.destructive(x.v, y.v, y.v);
              assertAllClose(
                await readVector(y.v),
                want.map((v, i) => ref(v, ys[i])),
                tol * 4,
                `${name}_(x, y, y)`,
              );
            }
            for (const p of [x.parent, y.parent, o.parent]) p[Symbol.dispose]();
            // matrices, the second operand in another layout
            const [ma, mb] = inputs(op, s + 5, sa.m * sa.n).map((v) =>
              toRows(representable(f, v), sa.m, sa.n)
            );
            const a = makeMatrix(f, sa, ma),
              b = makeMatrix(f, { ...sa, layout: lb, transposed: !sa.transposed }, mb);
            using mfresh = forms.pure(a.a, b.a) as knap.GEMatrix;
            const mwant = ma.flatMap((r, i) => r.map((v, j) => ref(v, mb[i][j])));
            assertAllClose((await readMatrix(mfresh)).flat(), mwant, tol, `${name}(a)`);
            forms.inPlace(a.a, b.a);
            assertAllClose(
              (await readMatrix(a.a as knap.GEMatrix)).flat(),
              mwant,
              tol,
              `${name}_(a)`,
            );
            a.parent[Symbol.dispose]();
            b.parent[Symbol.dispose]();
          },
        ),
        { numRuns: Math.max(5, Math.round(RUNS / 3)) },
      );
    });
  }

  test(`[${f.name}${note}] derivative_ multiplies the error by each activation's derivative`, async () => {
    const d: Partial<Record<OpName, (x: number) => number>> = {
      sqr: (x) => 2 * x,
      sqrt: (x) => 0.5 / Math.sqrt(x),
      abs: Math.sign,
      exp: Math.exp,
      expm1: Math.exp,
      log: (x) => 1 / x,
      log1p: (x) => 1 / (1 + x),
      sin: Math.cos,
      cos: (x) => -Math.sin(x),
      tanh: (x) => 1 - Math.tanh(x) ** 2,
      sigmoid: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2,
      relu: (x) => (x > 0 ? 1 : 0),
      elu: (x) => (x > 0 ? 1 : 0.7 * Math.exp(x)),
      linear: () => 1.5,
      inv: (x) => -1 / (x * x),
      powx: (x) => 1.7 * Math.pow(x, 0.7),
    };
    const params: Partial<Record<OpName, number[]>> = {
      elu: [0.7],
      linear: [1.5, -0.25],
      powx: [1.7],
    };
    for (const [name, ref] of Object.entries(d) as [OpName, (x: number) => number][]) {
      const op = k.ops[name];
      for (const spec of [{ dim: 37, stride: 1, offset: 0 }, { dim: 9, stride: 2, offset: 1 }]) {
        const zs = representable(f, values(5, spec.dim, op.domain.lo, op.domain.hi, true));
        const es = representable(f, values(6, spec.dim));
        const z = makeVector(f, spec, zs), e = makeVector(f, spec, es);
        assert(k.derivative_(name, z.v, e.v, ...(params[name] ?? [])) === e.v, "returns delta");
        assertAllClose(
          await readVector(e.v),
          zs.map((x, i) => ref(x) * es[i]),
          tol * 4,
          `${name}'`,
        );
        z.parent[Symbol.dispose]();
        e.parent[Symbol.dispose]();
      }
    }
  });

  test(`[${f.name}${note}] outputDerivative_ takes each activation's derivative from its output`, async () => {
    const byOutput: [
      ("tanh" | "sigmoid" | "relu" | "elu"),
      (x: number) => number,
      (a: number) => number,
    ][] = [
      ["tanh", Math.tanh, (a) => 1 - a * a],
      ["sigmoid", (x) => 1 / (1 + Math.exp(-x)), (a) => a * (1 - a)],
      ["relu", (x) => Math.max(x, 0), (a) => (a > 0 ? 1 : 0)],
      ["elu", (x) => (x > 0 ? x : 0.7 * Math.expm1(x)), (a) => (a > 0 ? 1 : a + 0.7)],
    ];
    for (const [name, fwd, ref] of byOutput) {
      for (const spec of [{ dim: 41, stride: 1, offset: 0 }, { dim: 9, stride: 3, offset: 2 }]) {
        const as = representable(f, values(7, spec.dim, -3, 3, true).map(fwd));
        const es = representable(f, values(8, spec.dim));
        const a = makeVector(f, spec, as), e = makeVector(f, spec, es);
        const params = name === "elu" ? [0.7] : [];
        assert(k.outputDerivative_(name, a.v, e.v, ...params) === e.v, "returns delta");
        assertAllClose(
          await readVector(e.v),
          as.map((v, i) => ref(v) * es[i]),
          tol * 4,
          `${name}'(a)`,
        );
        a.parent[Symbol.dispose]();
        e.parent[Symbol.dispose]();
      }
    }
  });

  test(`[${f.name}${note}] sigmoid stays finite where e^-x overflows`, async () => {
    using x = k.vctr(f, [-800, -100, 100, 800]);
    const got = await readVector(k.sigmoid_(x));
    assertAllClose(got, [0, 1 / (1 + Math.exp(100)), 1, 1], 1e-6, "sigmoid");
  });
}

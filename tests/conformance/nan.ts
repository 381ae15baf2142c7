/**
 * The NaN conformance suite: NaN and ±∞ among ordinary entries, at the start, in the middle,
 * at the end and in vector tails, through every elementwise function, derivative and
 * reduction, on short operands (loops) and long ones (a library's vector kernels) — each engine
 * against the js engine of its dtype. A NaN must come out as NaN wherever the reference's does.
 */
import { test } from "./register.ts";
import * as knap from "../../mod.ts";
import * as engineApi from "../../lib/engine/mod.ts";
import * as opsApi from "../../lib/ops/mod.ts";
import * as vm from "../../lib/vect_math/mod.ts";
import type { Factory, Structure, Vector } from "../../mod.ts";
import type { ElementwiseOp, OpName } from "../../lib/engine/mod.ts";
import { assert } from "./assert.ts";
import { values } from "./fixtures.ts";

/** knap's root module with the vect-math, engine, linalg and ops names these checks reach. */
const k = { ...knap, ...vm, ...engineApi, ...opsApi };

const params: Partial<Record<OpName, number[]>> = {
  elu: [0.7],
  linear: [1.5, -0.25],
  powx: [1.7],
  clamp: [-0.5, 1.5],
  linearFrac: [2, 1, 0.5, 3],
};

/**
 * Entries from a domain with NaN and ±∞ placed among them (`shift` moves the places); NaN only
 * with `nanOnly` — an error δ of ∞ times a derivative that float32 rounds to 0 is NaN there
 * and ∞ in the reference's doubles, a matter of precision rather than of NaN.
 */
function poisoned(
  op: ElementwiseOp,
  n: number,
  seed: number,
  shift: number,
  nanOnly = false,
): number[] {
  const d = op.domain;
  const xs = values(seed, n, d.lo, d.hi, d.awayFromZero);
  const specials = nanOnly ? [NaN] : [NaN, Infinity, -Infinity, NaN];
  const places = [0, 1, n >> 1, n - 1, n - 2, (n >> 2) + 3].map((p) => (p + shift) % n);
  places.forEach((p, i) => (xs[p] = specials[i % specials.length]));
  return xs;
}

/** Throws unless got matches want: NaN for NaN, ∞ for ∞ of the same sign, else within tol. */
function same(got: number, want: number, tol: number, what: string): void {
  const ok = Number.isNaN(want)
    ? Number.isNaN(got)
    : !Number.isFinite(want)
    ? got === want
    : Math.abs(got - want) <= tol * Math.max(1, Math.abs(want));
  if (!ok) throw new Error(`${what}: got ${got}, expected ${want}`);
}

async function entries(s: Structure): Promise<number[]> {
  using h = await k.transfer(k.jsDouble, s as Vector);
  return Array.from(h.toArray());
}

/** The op as the public API runs it: out ← f(x[, y]) in place of x. */
function apply(
  kind: "f" | "df" | "dfOut",
  op: ElementwiseOp,
  x: Vector,
  y: Vector | undefined,
): Vector {
  const p = params[op.name as OpName] ?? [];
  const name = op.name as OpName;
  if (kind === "df") return k.derivative_(name, x, y!, ...p);
  if (kind === "dfOut") {
    return k.outputDerivative_(name as "tanh" | "sigmoid" | "relu" | "elu", x, y!, ...p);
  }
  switch (name) {
    case "elu":
      return k.elu_(x, p[0]);
    case "linear":
      return k.linearFrac_(p[0], x, p[1]);
    case "powx":
      return k.pow_(x, p[0]);
    case "clamp":
      return k.clamp_(x, p[0], p[1]);
    case "linearFrac":
      return k.linearFrac_(p[0], x, p[1], p[2], y!, p[3]);
    case "pow":
      return k.pow_(x, y!);
    case "add":
    case "sub": {
      // No vect-math function: tensors reach these through binary.
      const view = (v: Vector) =>
        new k.Tensor(v.factory, v.storage, v.offset, [v.dim], [v.stride], false);
      k.binary(name, view(x), view(y!), view(x)).run();
      return x;
    }
    default: {
      const f = ({ ...k, ...vm } as unknown as Record<string, (a: Vector, b?: Vector) => Vector>)[
        `${name}_`
      ];
      return op.arity === 2 ? f(x, y) : f(x);
    }
  }
}

/** Registers the NaN conformance tests for a factory. */
export function nanConformance(f: Factory): void {
  const ref = f.dtype === "float32" ? k.jsFloat : k.jsDouble;
  const tol = f.dtype === "float32" ? 2e-5 : 1e-12;
  const t = (name: string, fn: () => Promise<void>) => test(`[${f.name}] ${name}`, fn);

  t("every elementwise function and derivative gives NaN and ±∞ as the js engine", async () => {
    const wrong: string[] = [];
    for (const n of [7, 2051]) {
      for (const op of Object.values(k.ops)) {
        const kinds: ("f" | "df" | "dfOut")[] = ["f"];
        if (op.df !== undefined && op.arity === 1) kinds.push("df");
        if (op.dfOut !== undefined) kinds.push("dfOut");
        for (const kind of kinds) {
          const xs = poisoned(op, n, n + op.name.length, 0);
          const binary = op.arity === 2 || kind !== "f";
          const ys = binary ? poisoned(op, n, 2 * n + 1, 3, kind !== "f") : undefined;
          using x = k.vctr(f, xs), r = k.vctr(ref, xs);
          using y = ys ? k.vctr(f, ys) : undefined, ry = ys ? k.vctr(ref, ys) : undefined;
          const got = await entries(apply(kind, op, x, y));
          const want = await entries(apply(kind, op, r, ry));
          for (let i = 0; i < n; i++) {
            try {
              same(got[i], want[i], tol, `${kind} ${op.name}, n ${n}, entry ${i} (x ${xs[i]})`);
            } catch (e) {
              wrong.push(`${(e as Error).message}${ys ? ` (y ${ys[i]})` : ""}`);
              break;
            }
          }
        }
      }
    }
    if (wrong.length > 0) throw new Error(wrong.join("\n"));
  });

  t("reductions report NaN; iamax and iamin return the first NaN, or a valid index", async () => {
    const cases: [string, number[]][] = [
      ["mixed", poisoned(k.ops.tanh, 2051, 5, 7)],
      ["short", [1, 1, 1, NaN, 1]],
      ["all NaN", Array(2051).fill(NaN)],
      ["all ∞", Array(2051).fill(Infinity)],
      ["∞ then NaN", [1, -Infinity, 2, NaN, Infinity]],
      ["no NaN", [0.5, -Infinity, 2, 3, Infinity]],
    ];
    for (const [name, xs] of cases) {
      using x = k.vctr(f, xs), r = k.vctr(ref, xs);
      for (const red of ["sum", "asum", "nrm2", "nrm1", "nrmi", "iamax", "iamin"] as const) {
        const fn = k[red] as (v: Vector) => number | Promise<number>;
        const got = await fn(x), want = fn(r) as number;
        same(got, want, tol, `${red} of ${name}`);
        if (red.startsWith("ia")) assert(got >= 0 && got < xs.length, `${red}: index ${got}`);
      }
      same(await k.dot(x, x), k.dot(r, r) as number, tol, `dot of ${name}`);
    }
    const rows = poisoned(k.ops.tanh, 15, 3, 0);
    using a = k.ge(f, 5, 3, rows), ra = k.ge(ref, 5, 3, rows);
    for (const red of ["sum", "asum", "nrm2", "nrm1", "nrmi"] as const) {
      const fn = k[red] as (v: Structure) => number | Promise<number>;
      same(await fn(a), fn(ra) as number, tol, `${red} of a matrix`);
    }
  });

  t("scal_ by 0 keeps NaN and turns ∞ into NaN, as 0·x does", async () => {
    using x = k.vctr(f, [1, NaN, Infinity, -2]);
    k.scal_(0, x);
    const got = await entries(x);
    assert(got[0] === 0 && Number.isNaN(got[1]) && Number.isNaN(got[2]), `got ${got}`);
  });

  t("α = 0 reads neither factor: a NaN in A or x does not reach the output", async () => {
    using a = k.ge(f, 3, 3, [1, NaN, 3, 4, 5, 6, 7, 8, Infinity]), c = k.ge(f, 3, 3);
    using x = k.vctr(f, [NaN, 1, 2]), y = k.vctr(f, [1, 2, 3]);
    k.entry_(c, 2);
    k.mm_(0, a, a, 1, c);
    assert((await entries(c as unknown as Vector)).every((v) => v === 2), "mm_ with α = 0, β = 1");
    k.mm_(0, a, a, 0, c);
    assert((await entries(c as unknown as Vector)).every((v) => v === 0), "mm_ with α = 0, β = 0");
    k.mv_(0, a, x, 0.5, y);
    assert((await entries(y)).join() === "0.5,1,1.5", "mv_ with α = 0");
    k.rk_(0, x, x, c);
    assert((await entries(c as unknown as Vector)).every((v) => v === 0), "rk_ with α = 0");
    k.axpy_(0, x, y);
    assert((await entries(y)).join() === "0.5,1,1.5", "axpy_ with α = 0");
    k.axpby_(0, x, 2, y);
    assert((await entries(y)).join() === "1,2,3", "axpby_ with α = 0");
  });
}

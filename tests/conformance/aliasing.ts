/**
 * The aliasing conformance suite: every destructive op with its output and inputs as random
 * views of one small buffer — overlapping exactly, partly or not at all — against the same op
 * computed by the js engine on separate copies of the inputs. The op must give that answer or
 * refuse; a swap of partly overlapping views must refuse.
 */
import { test } from "./register.ts";
import fc from "npm:fast-check@^4.3.0";
import * as knap from "../../mod.ts";
import * as vectMath from "../../lib/vect_math/mod.ts";
import type { Factory, GEMatrix, Layout, Structure, Vector } from "../../mod.ts";
import type { Operand } from "../../lib/engine/mod.ts";
import { assertAllClose, RUNS, tolerance, values } from "./fixtures.ts";

/** knap's root module with the vect-math, engine, linalg and ops names these checks reach. */
const k = { ...knap, ...vectMath };

/** Where a view sits in the shared buffer. */
type Placement =
  | { readonly offset: number; readonly stride: number }
  | {
    readonly offset: number;
    readonly pad: number;
    readonly layout: Layout;
    readonly transposed: boolean;
  };

/** One operand: a vector's dimension or a matrix's shape. */
type Shape = number | readonly [number, number];

const BUFFER = 56;
const isVector = (s: Shape): s is number => typeof s === "number";

function placement(shape: Shape): fc.Arbitrary<Placement> {
  if (isVector(shape)) {
    const widest = Math.min(3, Math.floor((BUFFER - 1) / Math.max(shape - 1, 1)));
    return fc.integer({ min: 1, max: widest }).chain((stride) =>
      fc.record({
        stride: fc.constant(stride),
        offset: fc.integer({ min: 0, max: Math.max(0, BUFFER - 1 - (shape - 1) * stride) }),
      })
    );
  }
  return fc.record({
    pad: fc.integer({ min: 0, max: 2 }),
    layout: fc.constantFrom<Layout>("column", "row"),
    transposed: fc.boolean(),
    offset: fc.integer({ min: 0, max: BUFFER - 40 }),
  });
}

/** The view of `buffer` a placement describes (the constructors check it fits). */
function place(buffer: Vector, shape: Shape, p: Placement): Structure {
  if (isVector(shape)) {
    const q = p as { offset: number; stride: number };
    return new k.Vector(buffer.factory, buffer.storage, q.offset, q.stride, shape, false);
  }
  const q = p as { offset: number; pad: number; layout: Layout; transposed: boolean };
  const [m, n] = q.transposed ? [shape[1], shape[0]] : shape;
  const ld = (q.layout === "column" ? m : n) + q.pad;
  const a = new k.GEMatrix(buffer.factory, buffer.storage, q.offset, m, n, ld, q.layout, false);
  return q.transposed ? k.trans(a) : a;
}

/** The buffer indices of a structure's entries, in column-major logical order. */
function addresses(s: Operand): number[] {
  const out: number[] = [];
  for (let j = 0; j < s.cols; j++) {
    for (let i = 0; i < s.rows; i++) out.push(s.offset + i * s.rowStride + j * s.colStride);
  }
  return out;
}

/** A jsDouble copy of view s of a buffer whose entries are `host`. */
function copyOf(s: Structure, host: Float64Array): Structure {
  const xs = addresses(s).map((a) => host[a]);
  return s instanceof k.Vector ? k.vctr(k.jsDouble, xs) : k.ge(k.jsDouble, s.m, s.n, xs);
}

/** One destructive op: the shapes of its structures, its last one being the output. */
interface Case {
  readonly name: string;
  readonly shapes: (m: number, n: number, p: number) => Shape[];
  /** Runs the op on the structures (views, or the reference's copies). */
  readonly run: (s: Structure[]) => unknown;
  /** Structures the op writes, by position (the last by default). */
  readonly writes?: readonly number[];
}

const sameShape = (count: number, vector: boolean) => (m: number, n: number): Shape[] =>
  Array(count).fill(vector ? m * n : [m, n]);

const v = (s: Structure) => s as Vector;
const g = (s: Structure) => s as GEMatrix;

function cases(): Case[] {
  const elementwise: [string, (s: Structure[]) => unknown][] = [
    ["tanh_", (s) => k.tanh_(s[0], s[1])],
    ["relu_", (s) => k.relu_(s[0], s[1])],
    ["sigmoid_", (s) => k.sigmoid_(s[0], s[1])],
    ["sqr_", (s) => k.sqr_(s[0], s[1])],
    ["abs_", (s) => k.abs_(s[0], s[1])],
    ["elu_", (s) => k.elu_(s[0], 0.5, s[1])],
    ["clamp_", (s) => k.clamp_(s[0], -0.5, 1, s[1])],
    ["pow_", (s) => k.pow_(s[0], 2, s[1])],
  ];
  const binary: [string, (s: Structure[]) => unknown][] = [
    ["mul_", (s) => k.mul_(s[0], s[1], s[2])],
    ["fmax_", (s) => k.fmax_(s[0], s[1], s[2])],
    ["linearFrac_", (s) => k.linearFrac_(2, s[0], 1, 0.5, s[1], 3)],
    ["derivative_", (s) => k.derivative_("tanh", s[0], s[1])],
    ["outputDerivative_", (s) => k.outputDerivative_("sigmoid", s[0], s[1])],
  ];
  const out: Case[] = [];
  for (const vector of [true, false]) {
    const kind = vector ? "vectors" : "matrices";
    out.push(
      { name: `copy_ (${kind})`, shapes: sameShape(2, vector), run: (s) => k.copy_(s[0], s[1]) },
      {
        name: `transfer_ (${kind})`,
        shapes: sameShape(2, vector),
        run: (s) => k.transfer_(s[0], s[1]),
      },
      {
        name: `swp_ (${kind})`,
        shapes: sameShape(2, vector),
        run: (s) => k.swp_(s[0], s[1]),
        writes: [0, 1],
      },
      {
        name: `axpy_ (${kind})`,
        shapes: sameShape(2, vector),
        run: (s) => k.axpy_(1.5, s[0], s[1]),
      },
      {
        name: `axpby_ (${kind})`,
        shapes: sameShape(2, vector),
        run: (s) => k.axpby_(1.5, s[0], -0.5, s[1]),
      },
      ...elementwise.map(([name, run]) => ({
        name: `${name} (${kind})`,
        shapes: sameShape(2, vector),
        run,
      })),
      ...binary.map(([name, run]) => ({
        name: `${name} (${kind})`,
        shapes: sameShape(name === "mul_" || name === "fmax_" ? 3 : 2, vector),
        run,
        // derivative_(name, z, delta) writes delta; linearFrac_(a, x, b, c, y, d) writes x.
        writes: [name === "linearFrac_" ? 0 : name.includes("erivative") ? 1 : 2],
      })),
    );
  }
  out.push(
    {
      name: "rk_",
      shapes: (m, n) => [m, n, [m, n]],
      run: (s) => k.rk_(1.5, v(s[0]), v(s[1]), g(s[2])),
    },
    {
      name: "mv_",
      shapes: (m, n) => [[m, n], n, m],
      run: (s) => k.mv_(1.5, g(s[0]), v(s[1]), -0.5, v(s[2])),
    },
    {
      name: "mm_",
      shapes: (m, n, p) => [[m, p], [p, n], [m, n]],
      run: (s) => k.mm_(1.5, g(s[0]), g(s[1]), -0.5, g(s[2])),
    },
  );
  return out;
}

/**
 * Registers the aliasing conformance test for a factory; `route` names a variant whose setup
 * (returning its undo) steers the engine onto another path, such as oneDNN for small operands.
 */
export function aliasingConformance(f: Factory, route?: [string, () => () => void]): void {
  const tol = 5 * tolerance(f);
  const via = route ? ` via ${route[0]}` : "";
  for (const c of cases()) {
    test(`[${f.name}] ${c.name} on overlapping views${via} gives the copy-then-compute answer`, async () => {
      const undo = route?.[1]();
      try {
        const dims = fc.tuple(
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 4 }),
        );
        await fc.assert(
          fc.asyncProperty(
            dims.chain(([m, n, p]) => {
              const shapes = c.shapes(m, n, p);
              return fc.tuple(fc.constant(shapes), fc.tuple(...shapes.map(placement)));
            }),
            fc.integer({ min: 0, max: 2 ** 31 }),
            async ([shapes, places], seed) => {
              const start = values(seed, BUFFER, -2, 2, true);
              using buffer = k.vctr(f, start);
              const host = Float64Array.from(
                start.map((x) => f.dtype === "float32" ? Math.fround(x) : x),
              );
              const views = shapes.map((s, i) => place(buffer, s, places[i]));
              const writes = c.writes ?? [views.length - 1];
              // The reference: the op on separate copies, its outputs scattered into the buffer.
              const copies = views.map((s) => copyOf(s, host));
              const want = Float64Array.from(host);
              const [a0, a1] = [addresses(views[0]), addresses(views[1])];
              const swapOverlaps = c.name.startsWith("swp_") && a0.some((a) => a1.includes(a)) &&
                a0.join() !== a1.join();
              let refused: unknown;
              try {
                await c.run(views);
              } catch (e) {
                refused = e;
              }
              if (swapOverlaps) {
                if (!(refused instanceof RangeError)) {
                  throw new Error(`${c.name}: a swap of partly overlapping views must refuse`);
                }
                return;
              }
              if (refused !== undefined) throw refused;
              await c.run(copies);
              for (const w of writes) {
                // The copies are column-major, as addresses() lists entries.
                const got = (copies[w] as Vector | GEMatrix).toArray();
                addresses(views[w]).forEach((a, i) => (want[a] = got[i]));
              }
              using back = await k.transfer(k.jsDouble, buffer);
              assertAllClose(Array.from(back.toArray()), Array.from(want), tol, c.name);
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        undo?.();
      }
    });
  }
}

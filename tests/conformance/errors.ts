/**
 * Bad input gets a clear error, never a wrong answer: shapes (RangeError naming the op and
 * both shapes), mixed factories and dtypes (TypeError), released memory (KnapError) — all
 * raised before an engine is reached.
 */
import { test } from "./register.ts";
import { assertThrows } from "./assert.ts";
import * as knap from "../../mod.ts";
import * as vectMath from "../../lib/vect_math/mod.ts";
import type { Factory } from "../../mod.ts";

/** knap's root module with the vect-math, engine, linalg and ops names these checks reach. */
const k = { ...knap, ...vectMath };

/** Registers the error-handling conformance tests for a factory. */
export function errorConformance(f: Factory, other: Factory): void {
  const t = (name: string, fn: () => void | Promise<void>) => test(`[${f.name}] ${name}`, fn);

  t("shape mismatches are RangeErrors naming the op and both shapes", () => {
    using x3 = k.vctr(f, 3),
      x4 = k.vctr(f, 4),
      a = k.ge(f, 4, 2),
      b = k.ge(f, 3, 3),
      c = k.ge(f, 4, 3);
    assertThrows(() => k.dot(x3, x4), RangeError, "dot", "vector(3)", "vector(4)");
    assertThrows(() => k.axpy_(1, x3, x4), RangeError, "axpy_", "vector(3)", "vector(4)");
    assertThrows(() => k.axpby_(1, x3, 1, x4), RangeError, "axpby_");
    assertThrows(() => k.copy_(x3, x4), RangeError, "copy_");
    assertThrows(() => k.swp_(x3, x4), RangeError, "swp_");
    assertThrows(() => k.mv(a, x3), RangeError, "mv", "matrix(4×2)", "vector(3)");
    assertThrows(() => k.mv_(b, x3, x4), RangeError, "mv_", "matrix(3×3)", "vector(4)");
    assertThrows(() => k.mm(a, b), RangeError, "mm", "matrix(4×2)", "matrix(3×3)");
    assertThrows(() => k.mm_(a, k.trans(a), b), RangeError, "mm_", "matrix(3×3)");
    assertThrows(() => k.rk_(x3, x4, c), RangeError, "rk_", "matrix(4×3)");
    assertThrows(() => k.tanh_(x3, x4), RangeError, "tanh_", "vector(3)", "vector(4)");
    assertThrows(() => k.mul(x3, x4), RangeError, "mul", "vector(3)", "vector(4)");
    assertThrows(() => k.axpy_(1, a, c), RangeError, "axpy_", "matrix(4×2)", "matrix(4×3)");
    assertThrows(() => k.dot(x4, a), RangeError, "dot", "vector(4)", "matrix(4×2)");
    assertThrows(() => k.transfer_(x3, x4), RangeError, "transfer_");
  });

  t(
    "NaN or ∞ as alpha, beta or a parameter is refused up front, naming the op and the value",
    () => {
      using x = k.vctr(f, [1, 2, 3]), y = k.vctr(f, 3), a = k.ge(f, 3, 3), c = k.ge(f, 3, 3);
      for (const bad of [NaN, Infinity, -Infinity]) {
        assertThrows(() => k.scal_(bad, x), RangeError, "scal_", "alpha", String(bad));
        assertThrows(() => k.axpy_(bad, x, y), RangeError, "axpy_", "alpha");
        assertThrows(() => k.axpby_(1, x, bad, y), RangeError, "axpby_", "beta");
        assertThrows(() => k.mv_(bad, a, x, y), RangeError, "mv_", "alpha");
        assertThrows(() => k.mm_(1, a, a, bad, c), RangeError, "mm_", "beta");
        assertThrows(() => k.rk_(bad, x, y, a), RangeError, "rk_", "alpha");
        assertThrows(() => k.linearFrac_(bad, x, 1), RangeError, "linearFrac_");
        assertThrows(() => k.pow_(x, bad), RangeError, "pow_");
        assertThrows(() => k.elu_(x, bad), RangeError, "elu_", "alpha");
        assertThrows(() => k.randUniform_(x, { lo: bad }), RangeError, "randUniform_", "lo");
        assertThrows(() => k.randNormal_(x, { mu: bad }), RangeError, "randNormal_", "mu");
      }
      assertThrows(() => k.clamp_(x, NaN, 1), RangeError, "clamp_", "lo");
      assertThrows(() => k.clamp_(x, 2, 1), RangeError, "clamp_", "above");
      k.clamp_(x, -Infinity, 2); // one-sided bounds are fine
      assertThrows(() => k.randUniform_(x, { lo: 2, hi: 1 }), RangeError, "randUniform_", "2", "1");
      assertThrows(() => k.randUniform_(x, { lo: -1.7e308, hi: 1.7e308 }), RangeError, "wider");
      assertThrows(() => k.randNormal_(x, { sigma: -1 }), RangeError, "randNormal_", "sigma", "-1");
      for (const seed of [-1, 0.5, 2 ** 53, NaN]) {
        assertThrows(() => k.randUniform_(x, { seed }), RangeError, "randUniform_", "seed");
      }
      k.entry_(x, NaN); // a value to store, not a parameter: NaN is allowed
    },
  );

  t("views out of range are RangeErrors", () => {
    using x = k.vctr(f, 4), a = k.ge(f, 3, 2);
    assertThrows(() => k.subvector(x, 2, 3), RangeError, "subvector", "vector(4)");
    assertThrows(() => k.submatrix(a, 1, 1, 3, 1), RangeError, "submatrix", "matrix(3×2)");
    assertThrows(() => k.row(a, 3), RangeError, "row", "3");
    assertThrows(() => k.col(a, -1), RangeError, "col");
    assertThrows(() => k.viewGe(x, 3, 2), RangeError, "viewGe");
    assertThrows(() => k.vctr(f, -1), RangeError, "vctr");
    assertThrows(() => k.ge(f, 2, 2, [1, 2, 3]), RangeError, "ge", "4", "3");
  });

  t("mixing factories or dtypes is a TypeError", () => {
    using x = k.vctr(f, 3), y = k.vctr(other, 3), a = k.ge(other, 3, 3);
    assertThrows(() => k.dot(x, y), TypeError, "dot", f.name, other.name);
    assertThrows(() => k.axpy_(x, y), TypeError, "axpy_");
    assertThrows(() => k.mv(a, x), TypeError, "mv");
    assertThrows(() => k.mul_(x, y), TypeError, "mul_");
  });

  t("wrong kinds of argument are TypeErrors", () => {
    using x = k.vctr(f, 3), a = k.ge(f, 3, 3);
    const bad = (v: unknown) => v as knap.Vector;
    assertThrows(() => k.dot(bad([1, 2, 3]), x), TypeError, "dot", "Array");
    assertThrows(() => k.scal_(bad("2") as unknown as number, x), TypeError, "scal_", "alpha");
    assertThrows(() => knap.mv(bad(x) as unknown as knap.GEMatrix, x), TypeError, "mv", "matrix");
    assertThrows(() => knap.iamax(a as unknown as knap.Vector), TypeError, "iamax", "vector");
    assertThrows(() => k.vctr(bad(null) as unknown as Factory, 3), TypeError, "vctr", "factory");
    assertThrows(
      () => (k.mm_ as (...a: unknown[]) => unknown)(a, a),
      TypeError,
      "mm_",
      "arguments",
    );
  });

  t(
    "every operation on released memory throws a KnapError naming it; views die with their owner",
    () => {
      const x = k.vctr(f, [1, 2, 3]);
      const a = k.ge(f, 3, 3);
      const v = k.subvector(x, 0, 2);
      using live = k.vctr(f, 3), liveA = k.ge(f, 3, 3);
      x[Symbol.dispose]();
      a[Symbol.dispose]();
      x[Symbol.dispose](); // a second release is harmless
      const calls: [string, () => unknown][] = [
        ["dot", () => k.dot(x, live)],
        ["dot", () => k.dot(live, x)],
        ["nrm2", () => k.nrm2(v)],
        ["sum", () => k.sum(x)],
        ["asum", () => k.asum(x)],
        ["iamax", () => k.iamax(x)],
        ["axpy_", () => k.axpy_(2, live, x)],
        ["scal_", () => k.scal_(2, x)],
        ["copy_", () => k.copy_(live, x)],
        ["copy", () => k.copy(x)],
        ["zero", () => k.zero(x)],
        ["swp_", () => k.swp_(live, x)],
        ["mv_", () => k.mv_(liveA, live, x)],
        ["mv", () => k.mv(a, live)],
        ["mm_", () => k.mm_(liveA, liveA, a)],
        ["rk_", () => k.rk_(live, live, a)],
        ["tanh_", () => k.tanh_(x)],
        ["sigmoid", () => k.sigmoid(x)],
        ["mul_", () => k.mul_(live, x)],
        ["randUniform_", () => k.randUniform_(x)],
        ["entry_", () => k.entry_(x, 1)],
        ["subvector", () => k.subvector(x, 0, 1)],
        ["row", () => k.row(a, 0)],
        ["trans", () => k.trans(a)],
        ["transfer_", () => k.transfer_(x, live)],
        ["transfer", () => k.transfer(x)],
      ];
      for (const [op, call] of calls) assertThrows(call, k.KnapError, op, "released");
    },
  );
}

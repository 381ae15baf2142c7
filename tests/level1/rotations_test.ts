/**
 * BLAS's rotations and signed arg-max on every engine: rot_ and rotm_ against the formulas,
 * imax and imin with ties and NaN, rotg and rotmg by the properties that define them.
 */
import { dv, ge, imax, imin, row, toArray, transfer, vctr } from "../../mod.ts";
import { rot_, rotg, rotm_, rotmg } from "../../lib/linalg/mod.ts";
import { allFactories } from "../_factories.ts";
import { assert, assertEquals } from "../conformance/assert.ts";

const close = (got: number, want: number, tol: number, what: string) =>
  assert(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 1e-6 : 1e-14;
  Deno.test(`[${f.name}] rot_, rotm_, imax and imin`, async () => {
    using v = vctr(f, [1, -5, 3, 3, -5]);
    assertEquals(await imax(v), 2);
    assertEquals(await imin(v), 1);
    using n = vctr(f, [1, 7, NaN, -9]);
    assertEquals(await imax(n), 2, "the first NaN");
    assertEquals(await imin(n), 2, "the first NaN");

    const xs = [0.5, -1.25, 2, 3.5], ys = [1, 0.25, -0.75, 2];
    const c = 0.6, s = 0.8;
    // y is a strided row of a matrix: rot_ works on any stride.
    using x = vctr(f, xs);
    using m = ge(f, 2, 4, [0, ys[0], 0, ys[1], 0, ys[2], 0, ys[3]]);
    const y = row(m, 1);
    assert(rot_(x, y, c, s) === x);
    const gx = toArray(await transfer(x)), gy = toArray(await transfer(y));
    xs.forEach((xv, i) => {
      close(gx[i], c * xv + s * ys[i], tol, `rot_ x[${i}]`);
      close(gy[i], c * ys[i] - s * xv, tol, `rot_ y[${i}]`);
    });
    assertEquals(
      Array.from(toArray(await transfer(row(m, 0)))),
      [0, 0, 0, 0],
      "the other row stays",
    );

    const H: [number[], (a: number, b: number) => [number, number]][] = [
      [[-1, 2, 0.5, -1, 3], (a, b) => [2 * a - b, 0.5 * a + 3 * b]],
      [[0, 9, 0.5, -1, 9], (a, b) => [a - b, 0.5 * a + b]],
      [[1, 2, 9, 9, 3], (a, b) => [2 * a + b, -a + 3 * b]],
      [[-2, 9, 9, 9, 9], (a, b) => [a, b]],
    ];
    for (const [param, want] of H) {
      using a = vctr(f, xs), b = vctr(f, ys);
      rotm_(a, b, param);
      const ga = toArray(await transfer(a)), gb = toArray(await transfer(b));
      xs.forEach((xv, i) => {
        const [wa, wb] = want(xv, ys[i]);
        close(ga[i], wa, tol, `rotm_ flag ${param[0]} x[${i}]`);
        close(gb[i], wb, tol, `rotm_ flag ${param[0]} y[${i}]`);
      });
    }
  });
}

Deno.test("rot_ and rotm_ refuse what BLAS does not define", () => {
  using x = dv(1, 2, 3), y = dv(1, 2);
  let threw = false;
  try {
    rot_(x, y, 1, 0);
  } catch (e) {
    threw = /rot_: x has 3 entries, y 2/.test((e as Error).message);
  }
  assert(threw, "a dimension mismatch names both");
  for (
    const [args, pattern] of [
      [() => rot_(x, x, 1, 0), /share memory/],
      [() => rotm_(x, x, [-1, 1, 0, 0, 1]), /share memory/],
      [() => rotm_(y, dv(3, 4), [-1, 1, 0]), /param has 3 entries/],
      [() => rotm_(y, dv(3, 4), [5, 1, 0, 0, 1]), /flag 5/],
      [() => rot_(y, dv(3, 4), NaN, 0), /rot_/],
    ] as const
  ) {
    let ok = false;
    try {
      args();
    } catch (e) {
      ok = pattern.test((e as Error).message);
    }
    assert(ok, `expected ${pattern}`);
  }
});

Deno.test("rotg and rotmg construct rotations that zero the second component", () => {
  for (const [a, b] of [[3, 4], [-4, 3], [0, 2], [2, 0], [1e300, 1e300], [1e-300, -3e-300]]) {
    const g = rotg(a, b);
    close(g.c * a + g.s * b, g.r, 1e-15, `rotg(${a}, ${b}) r`);
    assert(Math.abs(-g.s * a + g.c * b) <= 1e-15 * Math.abs(g.r), `rotg(${a}, ${b}) zeroes b`);
    close(g.c * g.c + g.s * g.s, 1, 1e-15, `rotg(${a}, ${b}) c² + s²`);
  }
  assertEquals(rotg(0, 0), { r: 0, z: 0, c: 1, s: 0 });
  const cases = [[1, 1, 3, 4], [2, 0.5, 1, -1], [1, 3, 0.1, 2], [1e-10, 1e10, 1, 1], [
    4,
    1e9,
    2,
    1e-3,
  ]];
  for (const [d1, d2, x1, y1] of cases) {
    const { d1: e1, x1: z1, param } = rotmg(d1, d2, x1, y1);
    const [flag, p11, p21, p12, p22] = param;
    const [h11, h12, h21, h22] = flag === 0
      ? [1, p12, p21, 1]
      : flag === 1
      ? [p11, 1, -1, p22]
      : [p11, p12, p21, p22];
    const what = `rotmg(${d1}, ${d2}, ${x1}, ${y1})`;
    close(h11 * x1 + h12 * y1, z1, 1e-12, `${what} x₁`);
    assert(Math.abs(h21 * x1 + h22 * y1) <= 1e-12 * Math.abs(z1), `${what} zeroes y₁`);
    close(e1 * z1 * z1, d1 * x1 * x1 + d2 * y1 * y1, 1e-12, `${what} keeps the length`);
  }
  assertEquals(Array.from(rotmg(1, 0, 1, 1).param), [-2, 0, 0, 0, 0], "d₂y₁ = 0: H = I");
  assertEquals(Array.from(rotmg(-1, 1, 1, 1).param), [-1, 0, 0, 0, 0], "d₁ < 0: zeros");
});

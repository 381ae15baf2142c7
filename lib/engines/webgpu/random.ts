/**
 * Philox4x32-10 in WGSL, the same counter-based stream as the js engine's
 * (`lib/engines/js/philox.ts`): entry k of a structure draws lane k mod 4 of counter block
 * offset + ⌊k/4⌋. Results match the js engine's up to float32 rounding of the transforms.
 *
 * @module
 */

import type { Operand, RandomStream } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { at, bind, F, header, setOperand, U } from "./wgsl.ts";
import { atOrAbove, below } from "../../core/floats.ts";

const philox = `
fn mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let m1 = a1 * b0 + ((a0 * b0) >> 16u);
  let m2 = a0 * b1 + (m1 & 0xffffu);
  return a1 * b1 + (m1 >> 16u) + (m2 >> 16u);
}
fn philox(counter: vec4u, key0: vec2u) -> vec4u {
  var c = counter;
  var key = key0;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi(0xD2511F53u, c.x); let lo0 = 0xD2511F53u * c.x;
    let hi1 = mulhi(0xCD9E8D57u, c.z); let lo1 = 0xCD9E8D57u * c.z;
    c = vec4u(hi1 ^ c.y ^ key.x, lo1, hi0 ^ c.w ^ key.y, lo0);
    key += vec2u(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}
fn unit(r: u32) -> f32 { return (f32(r) + 0.5) * 2.3283064365386963e-10; }
`;

/** x ← uniform [lo, hi) or normal(mu, sigma), entry by entry. */
export function randomKernel(
  rt: Runtime,
  kind: "uniform" | "normal",
  xs: Operand,
  a: number,
  b: number,
  s: RandomStream,
): void {
  const n = xs.rows * xs.cols;
  if (n === 0) return;
  const bd = bind([xs], 1);
  // Uniform draws are kept inside [first, last], the float32s of [lo, hi), passed in F(2), F(3).
  const draw = kind === "uniform"
    ? `clamp(${F(0)} + (${F(1)} - ${F(0)}) * unit(r[lane]), ${F(2)}, ${F(3)})`
    : `${F(0)} + ${F(1)} * sqrt(-2.0 * log(unit(r[lane & 2u]))) *
        select(cos(6.2831855 * unit(r[(lane & 2u) + 1u])), sin(6.2831855 * unit(r[(lane & 2u) + 1u])), (lane & 1u) == 1u)`;
  const kernel = rt.kernel(`random:${kind}`, bd.writable, () =>
    `${header(bd)}${philox}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let rows = ${U(0)};
  for (var k = g.x; k < ${U(2)}; k += nw.x * 256u) {
    let lo = ${U(18)} + (k >> 2u);
    let hi = ${U(19)} + select(0u, 1u, lo < ${U(18)});
    let r = philox(vec4u(lo, hi, 0u, 0u), vec2u(${U(16)}, ${U(17)}));
    let lane = k & 3u;
    b0[${at(0, "k % rows", "k / rows")}] = ${draw};
  }
}`);
  rt.dispatch(kernel, bd.buffers, (p) => {
    p.u[0] = xs.rows;
    p.u[2] = n;
    setOperand(p.u, 0, xs);
    p.u[16] = s.key0;
    p.u[17] = s.key1;
    p.u[18] = s.offset >>> 0;
    p.u[19] = Math.floor(s.offset / 4294967296) >>> 0;
    p.f[0] = a;
    p.f[1] = b;
    if (kind === "uniform") {
      p.f[2] = atOrAbove(a, true);
      p.f[3] = below(b, true);
    }
  }, [rt.groups(n, 256)]);
}

/**
 * BLAS levels 2 and 3 in WGSL, over operands of any layout, stride and offset: gemv with one
 * workgroup per row, ger with one invocation per entry, and a tiled gemm — which also runs a
 * fully connected layer whole, with the bias and activation in its epilogue.
 *
 * GEMM: each 16×16 workgroup computes a 64×64 block of C, four rows by four columns per
 * invocation, stepping through k in slices of 16 that the workgroup stages in workgroup memory.
 * The staging loads read along whichever direction of A and B is contiguous, so row-major,
 * column-major and transposed operands all load coalesced, without copying.
 *
 * @module
 */

import type { Operand, Plan } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { at, bind, block, dense, emitWgsl, F, header, loopBudget, setOperand, U } from "./wgsl.ts";
import { type Expr, param, substitute, x as identity } from "../../elementwise/expr.ts";
import type { ElementwiseOp } from "../../elementwise/table.ts";

/**
 * y ← αAx + βy (β = 0 ignores y), in dispatches whose columns keep a workgroup's loops within
 * the budget: 64 columns a turn, and as many turns over rows as the grid needs.
 */
export function gemvKernel(
  rt: Runtime,
  alpha: number,
  a: Operand,
  xs: Operand,
  beta: number,
  ys: Operand,
): void {
  if (ys.rows === 0) return;
  const rowTurns = Math.ceil(a.rows / rt.limits.maxWorkgroups);
  const n = a.cols, chunk = 64 * Math.max(1, Math.floor(loopBudget.iterations / rowTurns));
  for (let j = 0; j === 0 || j < n; j += chunk) {
    const w = Math.min(chunk, n - j);
    gemvPart(rt, alpha, block(a, 0, j, a.rows, w), block(xs, j, 0, w, 1), j === 0 ? beta : 1, ys);
  }
}

function gemvPart(
  rt: Runtime,
  alpha: number,
  a: Operand,
  xs: Operand,
  beta: number,
  ys: Operand,
): void {
  const b = bind([ys, a, xs], 1);
  const [yi, ai, xi] = b.slotOf;
  const kernel = rt.kernel(`gemv:${b.key}`, b.writable, () =>
    `${header(b)}
var<workgroup> sh: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) w: vec3u,
        @builtin(num_workgroups) nw: vec3u) {
  let m = ${U(0)};
  let n = ${U(1)};
  for (var i = w.x; i < m; i += nw.x) {
    var acc = 0.0;
    for (var j = l.x; j < n; j += 64u) {
      acc += b${ai}[${at(1, "i", "j")}] * b${xi}[${at(2, "j", "0u")}];
    }
    sh[l.x] = acc;
    workgroupBarrier();
    for (var h = 32u; h > 0u; h >>= 1u) {
      if (l.x < h) { sh[l.x] += sh[l.x + h]; }
      workgroupBarrier();
    }
    if (l.x == 0u) {
      let yi = ${at(0, "i", "0u")};
      let old = select(${F(1)} * b${yi}[yi], 0.0, ${F(1)} == 0.0);
      b${yi}[yi] = ${F(0)} * sh[0] + old;
    }
    workgroupBarrier();
  }
}`);
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = a.rows;
    p.u[1] = a.cols;
    setOperand(p.u, 0, ys);
    setOperand(p.u, 1, a);
    setOperand(p.u, 2, xs);
    p.f[0] = alpha;
    p.f[1] = beta;
  }, [Math.min(a.rows, rt.limits.maxWorkgroups)]);
}

/** A ← αxyᵀ + A. */
export function gerKernel(rt: Runtime, alpha: number, xs: Operand, ys: Operand, a: Operand): void {
  const n = a.rows * a.cols;
  if (n === 0) return;
  const b = bind([a, xs, ys], 1);
  const [ai, xi, yi] = b.slotOf;
  const kernel = rt.kernel(`ger:${b.key}`, b.writable, () =>
    `${header(b)}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let m = ${U(0)};
  for (var k = g.x; k < ${U(2)}; k += nw.x * 256u) {
    let i = k % m;
    let j = k / m;
    let e = ${at(0, "i", "j")};
    b${ai}[e] += ${F(0)} * b${xi}[${at(1, "i", "0u")}] * b${yi}[${at(2, "j", "0u")}];
  }
}`);
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = a.rows;
    p.u[2] = n;
    setOperand(p.u, 0, a);
    setOperand(p.u, 1, xs);
    setOperand(p.u, 2, ys);
    p.f[0] = alpha;
  }, [rt.groups(n, 256)]);
}

const TILE = 64;
const TK = 16;

/**
 * Products whose output has fewer tiles than this, over a long k, split k across workgroups:
 * a weight gradient (64×16 from k = 10000) would otherwise run on one workgroup.
 */
const SPLIT_BELOW_TILES = 16;
const SPLIT_CHUNK = 512;

/**
 * C ← αAB + βC (β = 0 ignores C): blocks of C no wider or taller than one dispatch's grid
 * reaches (65535 tiles of 64), and k in chunks whose loops stay short; the chunks after the
 * first accumulate.
 */
export function gemmKernel(
  rt: Runtime,
  alpha: number,
  a: Operand,
  bo: Operand,
  beta: number,
  c: Operand,
): void {
  const m = c.rows, n = c.cols, k = a.cols;
  if (m === 0 || n === 0) return;
  const side = rt.limits.maxWorkgroups * TILE, depth = TK * loopBudget.iterations;
  for (let i = 0; i < m; i += side) {
    for (let j = 0; j < n; j += side) {
      const h = Math.min(side, m - i), w = Math.min(side, n - j);
      const cb = block(c, i, j, h, w);
      for (let p = 0; p === 0 || p < k; p += depth) {
        const d = Math.min(depth, k - p);
        gemmPart(rt, alpha, block(a, i, p, h, d), block(bo, p, j, d, w), p === 0 ? beta : 1, cb);
      }
    }
  }
}

function gemmPart(
  rt: Runtime,
  alpha: number,
  a: Operand,
  bo: Operand,
  beta: number,
  c: Operand,
): void {
  const m = c.rows, n = c.cols, k = a.cols;
  const tiles = Math.ceil(m / TILE) * Math.ceil(n / TILE);
  const splits = Math.min(64, Math.ceil(k / SPLIT_CHUNK));
  if (tiles < SPLIT_BELOW_TILES && splits > 1) return splitGemm(rt, alpha, a, bo, beta, c, splits);
  tiledGemm(rt, a, bo, c, { alpha, beta }, 1);
}

/**
 * What a fused layer does to each entry of the product before it is stored: add the bias of
 * its row, then apply f (an expression in `xv`, its parameters from word 2 on).
 */
interface Epilogue {
  readonly name: string;
  readonly f: Expr;
  readonly params: readonly number[];
  readonly bias: Operand;
}

/** The WGSL that stores value v at index e of slot ci: through the epilogue where there is one. */
function store(ci: number, e: string, v: string, epilogue: Epilogue | undefined, bias: number) {
  if (epilogue === undefined) return `b${ci}[${e}] = ${v};`;
  return `let xv = ${v} + b${bias}[${at(3, "i", "0u")}];
        b${ci}[${e}] = ${emitWgsl(epilogue.f)};`;
}

/** Partial products over k-chunks into scratch, then C ← α Σ partials + βC. */
function splitGemm(
  rt: Runtime,
  alpha: number,
  a: Operand,
  bo: Operand,
  beta: number,
  c: Operand,
  splits: number,
  epilogue?: Epilogue,
): void {
  const m = c.rows, n = c.cols;
  const partial = dense(rt.scratch("split-k partials", splits * m * n), m, n);
  tiledGemm(rt, a, bo, partial, "partial", splits);
  const b = bind(epilogue ? [c, partial, epilogue.bias] : [c, partial], 1);
  const [ci, si, bi] = b.slotOf;
  const kernel = rt.kernel(`gemm-splits:${epilogue?.name}:${b.key}`, b.writable, () =>
    `${header(b)}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let m = ${U(0)};
  let mn = ${U(2)};
  for (var t = g.x; t < mn; t += nw.x * 256u) {
    var s = 0.0;
    for (var q = 0u; q < ${U(3)}; q++) { s += b${si}[q * mn + t]; }
    let i = t % m;
    let e = ${at(0, "i", "t / m")};
    let old = select(${F(1)} * b${ci}[e], 0.0, ${F(1)} == 0.0);
    ${store(ci, "e", `${F(0)} * s + old`, epilogue, bi)}
  }
}`);
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = m;
    p.u[2] = m * n;
    p.u[3] = splits;
    setOperand(p.u, 0, c);
    p.f[0] = alpha;
    p.f[1] = beta;
    if (epilogue) {
      // The bias is operand 3 in both kernels, so store() reads it the same way.
      setOperand(p.u, 3, epilogue.bias);
      epilogue.params.forEach((v, q) => (p.f[2 + q] = v));
    }
  }, [rt.groups(m * n, 256)]);
}

/**
 * The tiled product. With `scale` it writes C ← αAB + βC; with "partial" it writes workgroup
 * z's product over its chunk of k into the z-th m×n block of a dense output.
 */
function tiledGemm(
  rt: Runtime,
  a: Operand,
  bo: Operand,
  c: Operand,
  scale: { alpha: number; beta: number } | "partial",
  splits: number,
  epilogue?: Epilogue,
): void {
  const m = c.rows, n = c.cols, k = a.cols;
  const partial = scale === "partial";
  // Load along A's rows when they are contiguous (row-major A), down its columns otherwise.
  const aRows = a.colStride === 1 && a.rowStride !== 1;
  const bRows = bo.colStride === 1 && bo.rowStride !== 1;
  const b = bind(epilogue ? [c, a, bo, epilogue.bias] : [c, a, bo], 1);
  const [ci, ai, bi, biasSlot] = b.slotOf;
  // Each of 256 invocations stages 4 of the 64×16 entries of each tile; `e` is its entry.
  const loadA = aRows
    ? `let ar = e / ${TK}u; let ap = e % ${TK}u;` // consecutive invocations walk along k
    : `let ar = e % ${TILE}u; let ap = e / ${TILE}u;`; // consecutive invocations walk down rows
  const loadB = bRows
    ? `let bp = e / ${TILE}u; let bc = e % ${TILE}u;`
    : `let bp = e % ${TK}u; let bc = e / ${TK}u;`;
  const kernel = rt.kernel(
    `gemm:${aRows}:${bRows}:${partial}:${epilogue?.name}:${b.key}`,
    b.writable,
    () =>
      `${header(b)}
var<workgroup> As: array<f32, ${TILE * TK}>;
var<workgroup> Bs: array<f32, ${TILE * TK}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) w: vec3u) {
  let m = ${U(0)};
  let n = ${U(1)};
  let k = ${U(2)};
  let row0 = w.y * ${TILE}u;
  let col0 = w.x * ${TILE}u;
  let t = l.y * 16u + l.x;
  let kBegin = w.z * ${U(3)};
  let kEnd = min(k, kBegin + ${U(3)});
  var acc: array<f32, 16>;
  for (var p0 = kBegin; p0 < kEnd; p0 += ${TK}u) {
    for (var s = 0u; s < 4u; s++) {
      let e = t + s * 256u;
      ${loadA}
      let gi = row0 + ar;
      let gp = p0 + ap;
      var av = 0.0;
      if (gi < m && gp < kEnd) { av = b${ai}[${at(1, "gi", "gp")}]; }
      As[ap * ${TILE}u + ar] = av;
      ${loadB}
      let gq = p0 + bp;
      let gj = col0 + bc;
      var bv = 0.0;
      if (gq < kEnd && gj < n) { bv = b${bi}[${at(2, "gq", "gj")}]; }
      Bs[bp * ${TILE}u + bc] = bv;
    }
    workgroupBarrier();
    for (var p = 0u; p < ${TK}u; p++) {
      let a0 = As[p * ${TILE}u + l.y];
      let a1 = As[p * ${TILE}u + l.y + 16u];
      let a2 = As[p * ${TILE}u + l.y + 32u];
      let a3 = As[p * ${TILE}u + l.y + 48u];
      for (var q = 0u; q < 4u; q++) {
        let bv = Bs[p * ${TILE}u + l.x + q * 16u];
        acc[q] += a0 * bv;
        acc[4u + q] += a1 * bv;
        acc[8u + q] += a2 * bv;
        acc[12u + q] += a3 * bv;
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + l.y + r * 16u;
    for (var q = 0u; q < 4u; q++) {
      let j = col0 + l.x + q * 16u;
      if (i < m && j < n) {
        ${
        partial
          ? `b${ci}[w.z * m * n + i + j * m] = acc[r * 4u + q];`
          : `let e = ${at(0, "i", "j")};
        ${
            epilogue
              ? store(ci, "e", `${F(0)} * acc[r * 4u + q]`, epilogue, biasSlot)
              : `let old = select(${F(1)} * b${ci}[e], 0.0, ${F(1)} == 0.0);
        b${ci}[e] = ${F(0)} * acc[r * 4u + q] + old;`
          }`
      }
      }
    }
  }
}`,
  );
  const chunk = Math.ceil(k / splits / TK) * TK;
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = m;
    p.u[1] = n;
    p.u[2] = k;
    p.u[3] = chunk;
    setOperand(p.u, 0, c);
    setOperand(p.u, 1, a);
    setOperand(p.u, 2, bo);
    if (!partial) {
      p.f[0] = scale.alpha;
      p.f[1] = scale.beta;
    }
    if (epilogue) {
      setOperand(p.u, 3, epilogue.bias);
      epilogue.params.forEach((v, q) => (p.f[2 + q] = v));
    }
  }, [Math.ceil(n / TILE), Math.ceil(m / TILE), splits]);
}

/**
 * out ← f(W·x + b·1ᵀ) as one tiled product whose epilogue adds the bias and applies f (the
 * split-k reduction's epilogue, where k is long and the output small); undefined where the
 * product would take several dispatches, which the caller then composes.
 */
export function layerKernel(
  rt: Runtime,
  w: Operand,
  x: Operand,
  bias: Operand,
  out: Operand,
  f: ElementwiseOp | undefined,
  params: readonly number[],
): Plan | undefined {
  const m = out.rows, n = out.cols, k = w.cols;
  const side = rt.limits.maxWorkgroups * TILE;
  if (m > side || n > side || k > TK * loopBudget.iterations || params.length > 2) {
    return undefined;
  }
  const shifted = f === undefined
    ? identity
    : substitute(f.f, (e) => (e.k === "param" ? param(e.i + 2) : undefined));
  const epilogue = { name: f?.name ?? "identity", f: shifted, params, bias };
  const tiles = Math.ceil(m / TILE) * Math.ceil(n / TILE);
  const splits = Math.min(64, Math.ceil(k / SPLIT_CHUNK));
  return tiles < SPLIT_BELOW_TILES && splits > 1
    ? () => splitGemm(rt, 1, w, x, 0, out, splits, epilogue)
    : () => tiledGemm(rt, w, x, out, { alpha: 1, beta: 0 }, 1, epilogue);
}

/**
 * Pooling in WGSL: one invocation per entry written. Forward, an output entry walks its window;
 * backward, an input entry walks the windows that hold it, and for max pooling takes a window's
 * error when it is that window's first largest entry (NaN first), as the js engine does.
 *
 * @module
 */

import type { DnnEngine, PoolingKind, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { gridKernel, U } from "./wgsl.ts";
import { head } from "./conv_words.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";

const WG = 64;
/** Words: spatial strides of operands 0, 1 and 2, the extents, the geometry. */
const S0 = 16, S1 = 19, S2 = 22, N = 25, C = 26, IE = 28, KE = 31, OE = 34, ST = 37, PA = 40;

const at = (q: number, s: number, d: string, h: string, w: string) =>
  `(${U(4 + 3 * q)} + n * ${U(5 + 3 * q)} + c * ${U(6 + 3 * q)} + ${d} * ${U(s)} + ` +
  `${h} * ${U(s + 1)} + ${w} * ${U(s + 2)})`;

const unravel = (names: string[], extents: number[]) => {
  let code = "var r = t;";
  for (let k = names.length - 1; k > 0; k--) {
    code += ` let ${names[k]} = r % ${U(extents[k])}; r = r / ${U(extents[k])};`;
  }
  return `${code} let ${names[0]} = r;`;
};

/**
 * WGSL walking window (od, oh, ow) of x (operand 0): `m` its first largest entry (NaN first),
 * `mi` that entry's tap number, `s` the sum and `k` the count of entries inside the data.
 */
const windowWalk = `
    var m = 0.0; var mi = -1; var s = 0.0; var k = 0u; var tap = 0;
    for (var kd = 0u; kd < ${U(KE)}; kd++) {
      for (var kh = 0u; kh < ${U(KE + 1)}; kh++) {
        for (var kw = 0u; kw < ${U(KE + 2)}; kw++) {
          let id = i32(od * ${U(ST)} + kd) - i32(${U(PA)});
          let ih = i32(oh * ${U(ST + 1)} + kh) - i32(${U(PA + 1)});
          let iw = i32(ow * ${U(ST + 2)} + kw) - i32(${U(PA + 2)});
          let inside = id >= 0 && id < i32(${U(IE)}) && ih >= 0 && ih < i32(${U(IE + 1)}) &&
            iw >= 0 && iw < i32(${U(IE + 2)});
          if (inside) {
            let v = b$X[${at(0, S0, "u32(id)", "u32(ih)", "u32(iw)")}];
            if (mi < 0 || (!isnan_(m) && (isnan_(v) || v > m))) { m = v; mi = tap; }
            s += v;
            k++;
          }
          tap++;
        }
      }
    }`;

/** The divisor of a mean: the whole window, or the entries inside the data. */
const divisor = (kind: PoolingKind) =>
  kind === "avg" ? `f32(${U(KE)} * ${U(KE + 1)} * ${U(KE + 2)})` : "f32(k)";

/** The WebGPU engine's pooling, forward and backward. */
export function webgpuPooling(
  rt: Runtime,
): Required<Pick<DnnEngine, "poolingForward" | "poolingBackward">> {
  /** The kernel over the operands (the written one last) and its dispatch with the words. */
  function planned(name: string, ts: TensorOperand[], total: number, g: number[][], body: string) {
    const written = ts.length - 1;
    const kernel = gridKernel(
      rt,
      `pool:${name}`,
      ts.map(head),
      [written],
      (slot) =>
        body.replaceAll("b$X", slot(0)).replaceAll("b$Y", slot(1))
          .replaceAll("b$Z", ts.length > 2 ? slot(2) : ""),
      WG,
    );
    const spatials = ts.map(spatial3);
    return () =>
      kernel(total, (p) => {
        spatials.forEach((sp, q) => sp.s.forEach((v, i) => p.u[[S0, S1, S2][q] + i] = v));
        p.u[N] = ts[0].shape[0];
        p.u[C] = ts[0].shape[1];
        spatials[0].e.forEach((v, i) => p.u[IE + i] = v);
        spatials[1].e.forEach((v, i) => p.u[OE + i] = v);
        g[0].forEach((v, i) => p.u[KE + i] = v);
        g[1].forEach((v, i) => p.u[ST + i] = v);
        g[2].forEach((v, i) => p.u[PA + i] = v);
      });
  }

  const geometry = (
    g: { kernel: readonly number[]; strides: readonly number[]; padding: readonly number[] },
  ) => [padded3(g.kernel, 1), padded3(g.strides, 1), padded3(g.padding, 0)];

  return {
    poolingForward(kind, x, y, g) {
      const total = y.shape.reduce((n, e) => n * e, 1);
      const result = kind === "max" ? "select(-inf_(0.0), m, mi >= 0)" : `s / ${divisor(kind)}`;
      return planned(
        `fwd:${kind}`,
        [x, y],
        total,
        geometry(g),
        `
    ${unravel(["n", "c", "od", "oh", "ow"], [N, C, OE, OE + 1, OE + 2])}
    ${windowWalk}
    b$Y[${at(1, S1, "od", "oh", "ow")}] = ${result};`,
      );
    },

    poolingBackward(kind, x, dy, dx, g) {
      const total = dx.shape.reduce((n, e) => n * e, 1);
      // The windows holding input entry i along one dimension: od with od·s ≤ i + p < od·s + k.
      const range = (v: string, i: string, e: number) =>
        `let ${v}hi = min((i32(${i}) + i32(${U(PA + e)})) / i32(${U(ST + e)}), i32(${
          U(OE + e)
        }) - 1);
      var ${v}lo = i32(${i}) + i32(${U(PA + e)}) - i32(${U(KE + e)}) + 1;
      ${v}lo = max(select((${v}lo + i32(${U(ST + e)}) - 1) / i32(${
          U(ST + e)
        }), 0, ${v}lo <= 0), 0);`;
      const take = kind === "max"
        ? `if (mi == mine) { acc += b$Y[${at(1, S1, "od", "oh", "ow")}]; }`
        : `acc += b$Y[${at(1, S1, "od", "oh", "ow")}] / ${divisor(kind)};`;
      return planned(
        `bwd:${kind}`,
        [x, dy, dx],
        total,
        geometry(g),
        `
    ${unravel(["n", "c", "xd", "xh", "xw"], [N, C, IE, IE + 1, IE + 2])}
    var acc = 0.0;
    ${range("d", "xd", 0)}
    ${range("h", "xh", 1)}
    ${range("w", "xw", 2)}
    for (var odi = dlo; odi <= dhi; odi++) {
      for (var ohi = hlo; ohi <= hhi; ohi++) {
        for (var owi = wlo; owi <= whi; owi++) {
          let od = u32(odi); let oh = u32(ohi); let ow = u32(owi);
          // This entry's tap number in the window.
          let mine = ((i32(xd) + i32(${U(PA)}) - odi * i32(${U(ST)})) * i32(${U(KE + 1)}) +
            (i32(xh) + i32(${U(PA + 1)}) - ohi * i32(${U(ST + 1)}))) * i32(${U(KE + 2)}) +
            (i32(xw) + i32(${U(PA + 2)}) - owi * i32(${U(ST + 2)}));
          ${windowWalk}
          ${take}
        }
      }
    }
    b$Z[${at(2, S2, "xd", "xh", "xw")}] = acc;`,
      );
    },
  };
}

/**
 * Softmax and log-softmax over columns on every engine, against a float64 reference written
 * here: large entries, strided and row-layout operands, outputs that are or overlap the input,
 * and NaN and infinities treated alike everywhere.
 */
import {
  copy_,
  ge,
  type GEMatrix,
  jsDouble,
  KnapError,
  logSoftmax,
  logSoftmax_,
  nativeBfloat16,
  randUniform_,
  softmax,
  softmax_,
  submatrix,
  toArray,
  transfer,
} from "../../mod.ts";
import { assert, assertThrows } from "../conformance/assert.ts";
import { assertAllClose, readColumns, steered } from "../conformance/fixtures.ts";
import { allFactories, dnnl } from "../_factories.ts";
import { softmaxRoute } from "../../lib/engines/native/softmax.ts";
import { withDnnlLog } from "../engines/dnnl_log.ts";

/** Column-major entries of an m×n matrix's column softmax, in float64. */
function reference(m: number, n: number, v: readonly number[], log: boolean): number[] {
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const col = v.slice(j * m, j * m + m);
    const max = Math.max(...col);
    const sum = col.reduce((s, x) => s + Math.exp(x - max), 0);
    out.push(...col.map((x) => log ? x - max - Math.log(sum) : Math.exp(x - max) / sum));
  }
  return out;
}

const m = 10, n = 37;
const values = Array.from({ length: m * n }, (_, k) => 30 * Math.sin(k * 1.7) + (k % 7) * 20);

/** Native runs its default route, then every call through oneDNN, then every call in js. */
const routes: [string, "dnnl" | "js" | undefined][] = [["", undefined], [" via oneDNN", "dnnl"], [
  " via the js loop",
  "js",
]];

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-13 : 2e-6;
  for (const [via, force] of f.engine.name === "native" ? routes : [routes[0]]) {
    Deno.test(
      `softmax_: columns against the float64 reference (${f.name}${via})`,
      steered(softmaxRoute, force, async () => {
        const v32 = f.dtype === "float32" ? values.map(Math.fround) : values;
        for (const log of [false, true]) {
          using a = transfer(f, ge(jsDouble, m, n, values));
          using p = log ? logSoftmax(a as GEMatrix) : softmax(a as GEMatrix);
          assertAllClose(
            await readColumns(p),
            reference(m, n, v32, log),
            log ? tol * 100 : tol,
            `log ${log}`,
          );
        }
        using b = transfer(f, ge(jsDouble, m, n, values));
        softmax_(b as GEMatrix);
        const sums = Array.from({ length: n }, (_, j) => j);
        const got = await readColumns(b as GEMatrix);
        for (const j of sums) {
          const s = got.slice(j * m, j * m + m).reduce((x, y) => x + y);
          assert(Math.abs(s - 1) < 10 * tol, `column ${j} sums to ${s}`);
        }
      }),
    );

    Deno.test(
      `softmax_: row layout, strided views, and outputs over the input (${f.name}${via})`,
      steered(softmaxRoute, force, async () => {
        const v = f.dtype === "float32" ? values.map(Math.fround) : values;
        // A row-layout copy of the same entries gives the same columns.
        using r = transfer(f, ge(jsDouble, m, n, values));
        using row = ge(f, m, n, undefined, { layout: "row" });
        copy_(r as GEMatrix, row as GEMatrix);
        using pr = softmax(row as GEMatrix);
        assertAllClose(await readColumns(pr), reference(m, n, v, false), tol, "row layout");
        // A strided block, into a separate output.
        using big = transfer(
          f,
          ge(
            jsDouble,
            m + 3,
            n + 2,
            Array.from({ length: (m + 3) * (n + 2) }, (_, k) => (k % 11) - 5),
          ),
        );
        const block = submatrix(big as GEMatrix, 2, 1, 4, 5);
        using out = ge(f, 4, 5);
        softmax_(block, out as GEMatrix);
        const hostBlock = await readColumns(block);
        assertAllClose(
          await readColumns(out as GEMatrix),
          reference(4, 5, hostBlock, false),
          tol,
          "block",
        );
        // Partly overlapping: columns 0–2 written from columns 1–3 of the same matrix.
        using c = transfer(f, ge(jsDouble, 3, 4, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
        softmax_(submatrix(c as GEMatrix, 0, 1, 3, 3), submatrix(c as GEMatrix, 0, 0, 3, 3));
        assertAllClose(
          (await readColumns(c as GEMatrix)).slice(0, 9),
          reference(3, 3, [4, 5, 6, 7, 8, 9, 10, 11, 12], false),
          tol,
          "overlap",
        );
      }),
    );

    Deno.test(
      `softmax_: NaN and infinities alike on every engine (${f.name}${via})`,
      steered(softmaxRoute, force, async () => {
        const inf = Infinity;
        const cols = [
          [1, NaN, 2], // NaN anywhere
          [1, inf, 2], // ∞ − ∞
          [-inf, -inf, -inf], // all −∞
          [-inf, 0, 0], // −∞ is probability 0
          [1000, 1000, -1000], // no overflow
        ];
        const flat = cols.flat();
        for (const log of [false, true]) {
          using a = transfer(f, ge(jsDouble, 3, cols.length, flat));
          (log ? logSoftmax_ : softmax_)(a as GEMatrix);
          const want = reference(3, cols.length, flat, log);
          assertAllClose(await readColumns(a as GEMatrix), want, tol, `log ${log}`);
        }
      }),
    );
  }
}

Deno.test("softmax_ refuses what it cannot compute", () => {
  using a = ge(jsDouble, 2, 2);
  using b = ge(jsDouble, 2, 3);
  assertThrows(() => softmax_(a, b), RangeError);
  // @ts-expect-error: a vector has no columns
  assertThrows(() => softmax_(toArray(a)), TypeError);
  if (dnnl.available) {
    using h = ge(nativeBfloat16, 2, 2);
    assertThrows(() => softmax(h), KnapError, "bfloat16");
  }
});

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] softmax_ of MNIST's 10×128 outputs runs oneDNN's softmax primitive"
    : `[nativeFloat] oneDNN softmax test skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    const lib = new URL("../../mod.ts", import.meta.url).href;
    const { log, last } = await withDnnlLog(`
      import { ge, logSoftmax_, nativeFloat, randUniform_ } from "${lib}";
      const a = randUniform_(ge(nativeFloat, 10, 128), { seed: 5, lo: -20, hi: 20 });
      console.log(JSON.stringify(Array.from(logSoftmax_(a).toArray().slice(0, 20))));
    `);
    assert(/exec,cpu,softmax/.test(log), `no softmax in oneDNN's log:\n${log.slice(0, 2000)}`);
    using a = randUniform_(ge(jsDouble, 10, 128), { seed: 5, lo: -20, hi: 20 });
    const want = Array.from(toArray(logSoftmax_(a))).slice(0, 20);
    assertAllClose(JSON.parse(last), want, 1e-5, "log-softmax");
  },
});

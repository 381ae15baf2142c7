/**
 * Chapter 34 (beyond the book) — Linear algebra: solve, fit, decompose.
 *
 * Networks learn what no formula gives; a great deal of numerical work still rests on LAPACK's
 * factorizations, which `@knap/knap/linalg` brings: a linear system solved and its residual
 * checked, the condition number that says how far to trust it; linear least squares on Boston
 * housing beside chapter 18's network; and principal components of MNIST's digits through the
 * SVD — the first components drawn as pictures and every digit placed on the first two, written
 * to `pca.svg`.
 * Run: `deno run -A tutorials/34_linear_algebra.ts [--backend=js|native|webgpu|opencl]
 * [--data=DIR] [--images=1000] [--svg=pca.svg]`.
 */
import {
  axpy_,
  ge,
  type GEMatrix,
  jsDouble,
  mm,
  mv,
  nrm1,
  nrm2,
  toArray,
  trans,
  transfer,
  vctr,
  type Vector,
} from "../mod.ts";
import { con, det, ls, sv, svd, trf } from "../lib/linalg/mod.ts";
import { bostonHousing, mnist, normalize_, readIdx, scaling } from "../lib/data/mod.ts";
import { mulberry32, shuffle } from "../lib/core/seeded.ts";
import { backend, numberFlag } from "./_backend.ts";
import { dataOptions, orExit } from "./_data.ts";
import { declareFlags, stringFlag } from "./_flags.ts";

declareFlags({
  "images": { type: "string", help: "MNIST test images in the PCA (1000)" },
  "svg": { type: "string", help: "where to write the scatter (pca.svg)" },
});

const { name, double: f } = await backend();
console.log(`Chapter 34 on the ${name} engine\n`);
const host = async (x: Vector | GEMatrix) => toArray(await transfer(jsDouble, x as GEMatrix));

// 1. A system A·x = b: LU with partial pivoting, the solution, its residual and A's condition.
{
  using a = ge(f, 4, 4, [4, -2, 1, 0, -2, 5, 0, 1, 1, 0, 6, -1, 0, 1, -1, 3]);
  using b = vctr(f, [3, 4, 6, 3]); // A·[1 1 1 1]
  using x = await sv(a, b);
  using r = mv(a, x);
  axpy_(-1, b, r);
  using lu = await trf(a);
  console.log(
    `x solving A·x = [3 4 6 3]: ${Array.from(await host(x), (v) => v.toFixed(6)).join(" ")}`,
  );
  console.log(`‖A·x − b‖ = ${(await nrm2(r)).toExponential(1)}, det A = ${det(lu).toFixed(2)}`);
  console.log(`reciprocal condition number ≈ ${con(lu, await nrm1(a)).toFixed(3)}\n`);
}

// 2. Boston housing by least squares: price ≈ β₀ + Σ βⱼ·featureⱼ, fitted on the 404 training
//    houses chapter 18 trains on, scored on the same 102.
{
  const data = await orExit(
    "Boston housing",
    "34_linear_algebra.ts",
    bostonHousing(await dataOptions()),
  );
  const order = shuffle(Array.from({ length: data.count }, (_, j) => j), mulberry32(1));
  const split = (ids: number[]) => {
    const x = new Float64Array(ids.length * 13), y = new Float64Array(ids.length);
    ids.forEach((id, j) => {
      x.set(data.x.subarray(id * 13, id * 13 + 13), j * 13);
      y[j] = data.y[id];
    });
    return { x, y, n: ids.length };
  };
  const train = split(order.slice(0, 404)), test = split(order.slice(404));
  const s = scaling(train.x, 13);
  normalize_(train.x, s);
  normalize_(test.x, s);
  // The design matrix: a row per house, a column of ones for β₀, then the 13 features.
  const design = (d: typeof train) =>
    ge(
      f,
      d.n,
      14,
      Array.from({ length: d.n * 14 }, (_, k) => {
        const i = Math.floor(k / 14), j = k % 14;
        return j === 0 ? 1 : d.x[i * 13 + j - 1];
      }),
      { layout: "row" },
    );
  using xs = design(train), xt = design(test);
  using y = ge(f, train.n, 1, train.y);
  using beta = await ls(xs, y);
  using predicted = mm(xt, beta);
  const p = await host(predicted);
  const mae = Array.from(p).reduce((acc, v, j) => acc + Math.abs(v - test.y[j]), 0) / test.n;
  console.log(`least squares on ${train.n} houses, 14 coefficients`);
  console.log(
    `test mean absolute error: ${mae.toFixed(2)} (chapter 18's 13-64-64-1 network: about 2.3)`,
  );
  console.log(
    `β₀ = ${(await host(beta))[0].toFixed(2)}: the mean price, as standardized features make it\n`,
  );
}

// 3. Principal components of MNIST's test digits: center the images, take the SVD of the
//    784 × n data matrix; U's first columns are the components, Σ² their variance.
{
  const count = numberFlag("images", 1000);
  // MNIST's test split: from the local folder, else through the data registry (downloaded once).
  const options = await dataOptions();
  const local = Promise.all(
    ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"].map((n) =>
      readIdx(`${options.data ?? "."}/mnist/${n}`)
    ),
  ).then(([i, l]) => ({ images: i.data, labels: l.data }));
  const digits = await orExit(
    "MNIST's test set",
    "34_linear_algebra.ts",
    local.catch(() => mnist(options).then((m) => m.test)),
  );
  const im = { data: digits.images }, lab = { data: digits.labels };
  const pixels = new Float64Array(784 * count), mean = new Float64Array(784);
  for (let j = 0; j < count; j++) {
    for (let i = 0; i < 784; i++) mean[i] += im.data[j * 784 + i] / 255 / count;
  }
  for (let j = 0; j < count; j++) {
    for (let i = 0; i < 784; i++) pixels[i + j * 784] = im.data[j * 784 + i] / 255 - mean[i];
  }
  using x = ge(f, 784, count, pixels);
  using d = await svd(x, { vectors: true });
  const sigma = Array.from(await host(d.s));
  const total = sigma.reduce((acc, v) => acc + v * v, 0);
  const share = (k: number) => sigma.slice(0, k).reduce((acc, v) => acc + v * v, 0) / total;
  console.log(
    `PCA of ${count} test digits: the first 2 components hold ${
      (100 * share(2)).toFixed(1)
    }% of the variance, the first 10 ${(100 * share(10)).toFixed(1)}%, the first 50 ${
      (100 * share(50)).toFixed(1)
    }%`,
  );
  // Each digit's coordinates on the first two components: Σ·Vᵀ's first two rows.
  using coords = mm(trans(d.u!), x);
  const c = await host(coords);
  const k = Math.min(784, count);
  const u = await host(d.u!);
  const file = stringFlag("svg") ?? "pca.svg";
  await Deno.writeTextFile(file, picture(mean, u, c, k, count, lab.data));
  console.log(`the mean digit, the first 8 components and the digits on the first two: ${file}`);
}

/** The mean image, 8 components as heat maps, and a scatter of the digits, as one SVG. */
function picture(
  mean: Float64Array,
  u: ArrayLike<number>,
  c: ArrayLike<number>,
  k: number,
  count: number,
  labels: ArrayLike<number>,
): string {
  const image = (values: ArrayLike<number>, x0: number, title: string) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < 784; i++) [lo, hi] = [Math.min(lo, values[i]), Math.max(hi, values[i])];
    const cells: string[] = [];
    for (let i = 0; i < 784; i++) {
      const t = hi > lo ? (values[i] - lo) / (hi - lo) : 0.5, g = Math.round(255 * t);
      cells.push(
        `<rect x="${x0 + (i % 28) * 3}" y="${
          20 + Math.floor(i / 28) * 3
        }" width="3" height="3" fill="rgb(${g},${g},${g})"/>`,
      );
    }
    return `<text x="${x0}" y="14" font-size="11">${title}</text>${cells.join("")}`;
  };
  const parts = [image(mean, 0, "mean")];
  for (let q = 0; q < 8; q++) {
    parts.push(
      image(Array.from({ length: 784 }, (_, i) => u[i + q * 784]), 95 * (q + 1), `PC ${q + 1}`),
    );
  }
  const colors = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
  ];
  let xs = [Infinity, -Infinity], ys = [Infinity, -Infinity];
  for (let j = 0; j < count; j++) {
    const [px, py] = [c[0 + j * k], c[1 + j * k]];
    xs = [Math.min(xs[0], px), Math.max(xs[1], px)];
    ys = [Math.min(ys[0], py), Math.max(ys[1], py)];
  }
  const dots: string[] = [];
  for (let j = 0; j < count; j++) {
    const px = 20 + (560 * (c[j * k] - xs[0])) / (xs[1] - xs[0]);
    const py = 140 + (400 * (c[1 + j * k] - ys[0])) / (ys[1] - ys[0]);
    dots.push(
      `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="2" fill="${colors[labels[j]]}"/>`,
    );
  }
  const legend = colors.map((col, q) =>
    `<text x="${600}" y="${150 + 16 * q}" font-size="12" fill="${col}">${q}</text>`
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="560" font-family="sans-serif">${
    parts.join("")
  }<text x="20" y="132" font-size="11">the digits on PC 1 (across) and PC 2 (down)</text>${
    dots.join("")
  }${legend.join("")}</svg>\n`;
}

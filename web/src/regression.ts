/// <reference lib="dom" />
/**
 * Chapter 14 in a page: regression of a known function with its cost curve drawn live —
 * training runs in stretches of 25 epochs, and the page repaints between them.
 */
import { infer, quadraticCost_, sgd, trainingNetwork } from "../../lib/nn/mod.ts";
import { regression } from "../../tutorials/_regression_data.ts";
import { regressionNetwork, STRETCH } from "./regression_model.ts";
import { adapterLine, nextFrame, pageFloat, show, values } from "./page.ts";

const f = await pageFloat();
show("engine", `Computing on ${f.name}. ${await adapterLine()}.`);

/** The cost curve, log scale, epochs across. */
function draw(points: [number, number][], epochs: number): void {
  const c = document.getElementById("curve") as HTMLCanvasElement;
  const g = c.getContext("2d")!;
  g.clearRect(0, 0, c.width, c.height);
  g.strokeStyle = "#ccc";
  g.fillStyle = "#555";
  g.font = "12px sans-serif";
  const lo = -3, hi = 1; // log10 of the cost, 0.001 to 10
  const px = (e: number) => 40 + (e / epochs) * (c.width - 50);
  const py = (cost: number) =>
    10 + (hi - Math.min(hi, Math.max(lo, Math.log10(cost)))) / (hi - lo) * (c.height - 30);
  for (let p = lo; p <= hi; p++) {
    g.beginPath();
    g.moveTo(40, py(10 ** p));
    g.lineTo(c.width - 10, py(10 ** p));
    g.stroke();
    g.fillText(`1e${p}`, 4, py(10 ** p) + 4);
  }
  g.fillText(`epochs (${epochs})`, c.width / 2, c.height - 4);
  g.strokeStyle = "#3d6d99";
  g.lineWidth = 2;
  g.beginPath();
  points.forEach((
    [e, cost],
    i,
  ) => (i === 0 ? g.moveTo(px(e), py(cost)) : g.lineTo(px(e), py(cost))));
  g.stroke();
}

let running = false;

async function run(): Promise<void> {
  if (running) return;
  running = true;
  const count = Number((document.getElementById("samples") as HTMLInputElement).value);
  const epochs = Number((document.getElementById("epochs") as HTMLInputElement).value);
  const train = regression(f, count, 1), test = regression(f, 1000, 2);
  try {
    using net = regressionNetwork(f);
    using training = trainingNetwork(net, train.x);
    const points: [number, number][] = [];
    const t0 = performance.now();
    let cost = NaN;
    for (let done = 0; done < epochs;) {
      const stretch = Math.min(STRETCH, epochs - done);
      cost = await sgd(training, train.y, quadraticCost_, stretch, 0.05, { quiet: true });
      done += stretch;
      points.push([done, cost]);
      show("epoch", String(done));
      show("cost", cost.toFixed(4));
      show("timing", `${((performance.now() - t0) / 1000).toFixed(1)} s`);
      draw(points, epochs);
      await nextFrame();
    }
    const p = await values(infer(net, test.x));
    const errors = p.map((v, i) => v - test.ys[i]);
    show("errors", errors.slice(0, 10).map((e) => e.toFixed(2)).join(" "));
    const sorted = errors.map(Math.abs).sort((a, b) => a - b);
    show(
      "spread",
      `90% of the test errors within ±${sorted[899].toFixed(2)}, all within ±${
        sorted[999].toFixed(2)
      }`,
    );
    (globalThis as unknown as { knapResult: unknown }).knapResult = {
      cost,
      epochs,
      errors: sorted[999],
    };
  } finally {
    for (const s of [train.x, train.y, test.x, test.y]) s[Symbol.dispose]();
    running = false;
  }
}

document.getElementById("train")!.addEventListener("click", run);
// ?epochs=N (and ?samples=N) start training at once.
const params = new URL(location.href).searchParams;
for (const name of ["samples", "epochs"]) {
  const v = params.get(name);
  if (v !== null) (document.getElementById(name) as HTMLInputElement).value = v;
}
if (params.get("epochs") !== null) await run();
(globalThis as unknown as { knapReady: boolean }).knapReady = true;

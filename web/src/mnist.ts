/// <reference lib="dom" />
/**
 * Chapters 22 and 26 in a page: MNIST trained in a worker, then a canvas to draw a digit on. A
 * drawing is brought to MNIST's form before the network sees it: the ink's bounding box scaled
 * to 20×20 and its centre of mass put at the centre of 28×28.
 */
import { adapterLine, greyImage, show } from "./page.ts";
import type { MnistReply, MnistRequest } from "./mnist_worker.ts";
import { fetchImages, type ImageSplit, registry } from "../../lib/web/mod.ts";

const params = new URL(location.href).searchParams;
const base = new URL(params.get("data") ?? "../data/mnist/", location.href).href;
const hidden = Number(params.get("hidden") ?? 128);
const epochs = Number(params.get("epochs") ?? 5);
show("engine", await adapterLine());
show("base", base);
show("hidden-shown", String(hidden));

const worker = new Worker(new URL("./mnist_worker.js", import.meta.url), { type: "module" });
const send = (m: MnistRequest) => worker.postMessage(m);
const state = globalThis as unknown as {
  knapTrained?: { accuracy: number; engine: string };
  knapDigit?: { digit: number; label?: number };
  knapError?: string;
  knapReady?: boolean;
  knapSample?: (i: number) => Promise<void>;
};
let label: number | undefined;

worker.onmessage = (e: MessageEvent<MnistReply>) => {
  const m = e.data;
  if (m.type === "status") show("status", m.text);
  else if (m.type === "epoch") {
    show("epoch", `${m.epoch} of ${m.epochs}`);
    show("cost", m.cost.toFixed(4));
    show("timing", `(${m.seconds.toFixed(1)} s)`);
  } else if (m.type === "trained") {
    show("status", `trained on ${m.engine}`);
    show("accuracy", m.accuracy.toFixed(4));
    show("timing", `(${m.seconds.toFixed(1)} s in all)`);
    state.knapTrained = { accuracy: m.accuracy, engine: m.engine };
  } else if (m.type === "digit") {
    const p = m.probabilities;
    const digit = p.indexOf(Math.max(...p));
    show("digit", String(digit));
    show("sure", `(${(100 * p[digit]).toFixed(1)}% sure)`);
    const rows = p.map((v, d) => `<tr><th>${d}</th><td>${(100 * v).toFixed(1)}%</td></tr>`);
    document.getElementById("probabilities")!.innerHTML = rows.join("");
    state.knapDigit = { digit, label };
  } else {
    show("status", `error: ${m.message}`);
    state.knapError = m.message;
  }
};

document.getElementById("train")!.addEventListener("click", () => {
  state.knapTrained = undefined;
  send({ type: "train", base, epochs, hidden, engine: params.get("engine") });
});

// Drawing: thick round strokes, white on black as MNIST's digits are.
const pad = document.getElementById("pad") as HTMLCanvasElement;
const ink = pad.getContext("2d", { willReadFrequently: true })!;
function clear(): void {
  ink.fillStyle = "black";
  ink.fillRect(0, 0, pad.width, pad.height);
  label = undefined;
}
clear();
let last: [number, number] | undefined;
pad.addEventListener("pointerdown", (e) => {
  last = [e.offsetX, e.offsetY];
  pad.setPointerCapture(e.pointerId);
});
pad.addEventListener("pointermove", (e) => {
  if (last === undefined) return;
  ink.strokeStyle = "white";
  ink.lineWidth = 22;
  ink.lineCap = "round";
  ink.beginPath();
  ink.moveTo(...last);
  ink.lineTo(e.offsetX, e.offsetY);
  ink.stroke();
  last = [e.offsetX, e.offsetY];
});
pad.addEventListener("pointerup", () => {
  last = undefined;
  classify();
});
document.getElementById("clear")!.addEventListener("click", clear);

/** The pad as MNIST would have it: 28×28 in [0, 1], the ink in a 20×20 box, centred by mass. */
function digitPixels(): Float32Array | undefined {
  const { data, width, height } = ink.getImageData(0, 0, pad.width, pad.height);
  let x0 = width, x1 = -1, y0 = height, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[4 * (y * width + x)] > 0) {
        x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return undefined;
  const scale = 20 / Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const small = new OffscreenCanvas(28, 28);
  const g = small.getContext("2d", { willReadFrequently: true })!;
  g.fillStyle = "black";
  g.fillRect(0, 0, 28, 28);
  const w = (x1 - x0 + 1) * scale, h = (y1 - y0 + 1) * scale;
  g.drawImage(pad, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (28 - w) / 2, (28 - h) / 2, w, h);
  const grey = g.getImageData(0, 0, 28, 28).data;
  const px = new Float32Array(784);
  let mass = 0, mx = 0, my = 0;
  for (let i = 0; i < 784; i++) {
    px[i] = grey[4 * i] / 255;
    mass += px[i], mx += px[i] * (i % 28), my += px[i] * Math.floor(i / 28);
  }
  // Shift by whole pixels so the centre of mass lands on (14, 14).
  const dx = Math.round(14 - mx / mass), dy = Math.round(14 - my / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = px[sy * 28 + sx];
    }
  }
  return out;
}

/** Shows what the network sees and asks the worker for its answer. */
function classify(): void {
  const px = digitPixels();
  if (px === undefined) return;
  const seen = (document.getElementById("seen") as HTMLCanvasElement).getContext("2d")!;
  seen.imageSmoothingEnabled = false;
  seen.drawImage(greyImage(px, 0, 1), 0, 0, 84, 84);
  send({ type: "classify", pixels: px });
}

// "A test image" paints one of the 2,000 held-out images onto the pad, as if drawn there.
let test: ImageSplit | undefined;
async function sample(i?: number): Promise<void> {
  test ??= await fetchImages(registry.mnist, "test", base);
  const k = i ?? 8000 + Math.floor(Math.random() * 2000);
  clear();
  ink.imageSmoothingEnabled = true;
  ink.drawImage(greyImage(test.images, k * 784), 0, 0, pad.width, pad.height);
  label = test.labels[k];
  classify();
}
document.getElementById("sample")!.addEventListener("click", () => sample());
state.knapSample = sample;
if (params.get("train") !== null) {
  send({ type: "train", base, epochs, hidden, engine: params.get("engine") });
}
state.knapReady = true;

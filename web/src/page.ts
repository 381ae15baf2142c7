/// <reference lib="dom" />
/**
 * What every page shows: the engine it computes on, the adapter behind it, and timings; and the
 * engine choice a page's `?engine=` names.
 */
import {
  bestFloat,
  type Factory,
  type GEMatrix,
  jsDouble,
  jsFloat,
  type Loc,
  transfer,
  type Vector,
  webgpuFloat,
} from "../../mod.ts";

/** Writes text into the element with that id, if the page has one. */
export function show(id: string, text: string): void {
  const el = document.getElementById(id);
  if (el !== null) el.textContent = text;
}

/** The WebGPU adapter the browser gives, in words, or why there is none. */
export async function adapterLine(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu === undefined) return "this browser has no WebGPU: the pages run on js";
  const a = await gpu.requestAdapter();
  if (a === null) return "WebGPU without an adapter: the pages run on js";
  const i = a.info;
  return `WebGPU adapter: ${[i.vendor, i.architecture, i.description].filter((s) => s).join(" ")}`;
}

/**
 * The factory a page computes on: `?engine=js` or `?engine=webgpu`, else the best here
 * (WebGPU where an adapter exists). Dispose it when done.
 */
export async function pageFloat(): Promise<Factory<Loc, "float32">> {
  const asked = new URL(location.href).searchParams.get("engine");
  if (asked === "js") return jsFloat;
  if (asked === "webgpu") return await webgpuFloat();
  return await bestFloat();
}

/** Milliseconds since t0, to one decimal. */
export function since(t0: number): string {
  return `${(performance.now() - t0).toFixed(1)} ms`;
}

/** A vector's or a matrix's entries as numbers, from any engine. */
export async function values(x: Vector<Loc> | GEMatrix<Loc>): Promise<number[]> {
  using host = await transfer(jsDouble, x as Vector<Loc>);
  return [...host];
}

/** Numbers to two decimals, as the book prints them: [0.63 1.83 3.60 0.90]. */
export function brackets(xs: readonly number[], digits = 2): string {
  return `[${xs.map((v) => v.toFixed(digits)).join(" ")}]`;
}

/** Numbers parsed from a field: blanks, commas or semicolons between them. */
export function parseNumbers(text: string, want: number, what: string): number[] {
  const xs = text.split(/[\s,;]+/).filter((s) => s !== "").map(Number);
  if (xs.length !== want || xs.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`${what}: ${want} numbers wanted, "${text}" gives ${xs.length}`);
  }
  return xs;
}

/** Resolves at the next frame, so the page repaints between stretches of work. */
export function nextFrame(): Promise<void> {
  return new Promise((r) => requestAnimationFrame(() => r()));
}

/**
 * A 28×28 grey image as a canvas to draw from: 784 values from `from`, `white` the value drawn
 * white (255 for bytes, 1 for pixels in [0, 1]).
 */
export function greyImage(values: ArrayLike<number>, from = 0, white = 255): OffscreenCanvas {
  const img = new ImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    const v = (255 * values[from + p]) / white;
    img.data.set([v, v, v, 255], 4 * p);
  }
  const c = new OffscreenCanvas(28, 28);
  c.getContext("2d")!.putImageData(img, 0, 0);
  return c;
}

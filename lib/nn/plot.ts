/**
 * Training curves as a self-contained SVG: cost (and a validation measure) against epoch, on a
 * logarithmic axis — to write to a file, or to show in a notebook.
 *
 * @module
 */

import { escapeXml } from "../pictures/svg.ts";

/** Options of {@linkcode trainingCurveSvg}. */
export interface PlotOptions {
  /** Shown above the plot. */
  readonly title?: string;
  /** Pixels. */
  readonly width?: number;
  /** Pixels. */
  readonly height?: number;
  /** A second curve drawn with the first — the cost on held-out data, say — as (epoch, value). */
  readonly validation?: readonly (readonly [number, number])[];
  /** The two curves' names in the legend (default "training" and "validation"). */
  readonly labels?: readonly [string, string];
}

/**
 * The curve through (epoch, cost) points as SVG text, ready to write to a `.svg` file.
 *
 * @example
 * ```ts
 * import { trainingCurveSvg } from "@knap/knap/nn";
 * const svg = trainingCurveSvg([[1, 1.0], [100, 0.1], [1000, 0.004]], { title: "regression" });
 * if (!svg.startsWith("<svg") || !svg.includes("polyline")) throw new Error("unexpected");
 * ```
 */
export function trainingCurveSvg(
  points: readonly (readonly [number, number])[],
  options: PlotOptions = {},
): string {
  const { width = 640, height = 360, title = "training cost" } = options;
  const pad = { left: 64, right: 16, top: 32, bottom: 40 };
  const usable = (ps: readonly (readonly [number, number])[]) =>
    ps.filter(([e, c]) => Number.isFinite(e) && Number.isFinite(c) && c > 0);
  const curves = [usable(points), usable(options.validation ?? [])];
  const all = curves.flat();
  const w = width - pad.left - pad.right, h = height - pad.top - pad.bottom;
  const maxEpoch = Math.max(1, ...all.map(([e]) => e));
  const logs = all.map(([, c]) => Math.log10(c));
  const lo = Math.floor(Math.min(0, ...logs)), hi = Math.ceil(Math.max(lo + 1, ...logs));
  const px = (e: number) => pad.left + (e / maxEpoch) * w;
  const py = (c: number) => pad.top + ((hi - Math.log10(c)) / (hi - lo)) * h;
  const line = (ps: readonly (readonly [number, number])[]) =>
    ps.map(([e, c]) => `${px(e).toFixed(1)},${py(c).toFixed(1)}`).join(" ");
  const ticks: string[] = [];
  for (let d = lo; d <= hi; d++) {
    const y = py(10 ** d).toFixed(1);
    ticks.push(
      `<line x1="${pad.left}" x2="${pad.left + w}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${
        pad.left - 6
      }" y="${y}" text-anchor="end" dominant-baseline="middle">1e${d}</text>`,
    );
  }
  const colors = ["#1f77b4", "#ff7f0e"];
  const [first, second] = options.labels ?? ["training", "validation"];
  const legend = options.validation === undefined ? "" : [first, second].map((name, i) => {
    const y = pad.top + 12 + i * 16, x = pad.left + w - 120;
    return `<line x1="${x}" x2="${x + 20}" y1="${y}" y2="${y}" stroke="${
      colors[i]
    }" stroke-width="2"/><text x="${x + 26}" y="${y}" dominant-baseline="middle">${
      escapeXml(name)
    }</text>`;
  }).join("\n");
  const polylines = curves.map((c, i) =>
    c.length === 0
      ? ""
      : `<polyline fill="none" stroke="${colors[i]}" stroke-width="2" points="${line(c)}"/>`
  ).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>
${ticks.join("\n")}
<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + h}" stroke="black"/>
<line x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}" stroke="black"/>
<text x="${pad.left + w / 2}" y="${height - 8}" text-anchor="middle">epoch (0 … ${maxEpoch})</text>
<text x="16" y="${pad.top + h / 2}" transform="rotate(-90 16 ${
    pad.top + h / 2
  })" text-anchor="middle">cost</text>
${polylines}
${legend}
</svg>
`;
}

/**
 * Training curves that show themselves: as SVG in `deno jupyter`, as SVG text in a string
 * (`String(curve)`, or `curve.svg` to write to a file).
 *
 * @example
 * ```ts
 * import { trainingCurve } from "@knap/knap/nn";
 * const curve = trainingCurve([[1, 1], [50, 0.1]], { validation: [[1, 1.2], [50, 0.2]] });
 * if (!curve.svg.includes("validation") || !String(curve).startsWith("<svg")) throw new Error();
 * ```
 */
export function trainingCurve(
  points: readonly (readonly [number, number])[],
  options: PlotOptions = {},
): TrainingCurve {
  return new TrainingCurve(trainingCurveSvg(points, options));
}

/** A training curve's SVG, displayed as an image in notebooks. */
export class TrainingCurve {
  /** The SVG document. */
  readonly svg: string;

  /** Internal: use {@linkcode trainingCurve}. */
  constructor(svg: string) {
    this.svg = svg;
  }

  /** The SVG document. */
  toString(): string {
    return this.svg;
  }

  /** In `deno jupyter`: the curve as an image. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "image/svg+xml": this.svg, "text/plain": "training curve (SVG)" };
  }
}

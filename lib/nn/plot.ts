/**
 * A training curve as a self-contained SVG: cost against epoch on a logarithmic cost axis.
 *
 * @module
 */

/** Options of {@linkcode trainingCurveSvg}. */
export interface PlotOptions {
  /** Shown above the plot. */
  readonly title?: string;
  /** Pixels. */
  readonly width?: number;
  /** Pixels. */
  readonly height?: number;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

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
  const finite = points.filter(([e, c]) => Number.isFinite(e) && Number.isFinite(c) && c > 0);
  const w = width - pad.left - pad.right, h = height - pad.top - pad.bottom;
  const maxEpoch = Math.max(1, ...finite.map(([e]) => e));
  const logs = finite.map(([, c]) => Math.log10(c));
  const lo = Math.floor(Math.min(0, ...logs)), hi = Math.ceil(Math.max(lo + 1, ...logs));
  const px = (e: number) => pad.left + (e / maxEpoch) * w;
  const py = (c: number) => pad.top + ((hi - Math.log10(c)) / (hi - lo)) * h;
  const line = finite.map(([e, c]) => `${px(e).toFixed(1)},${py(c).toFixed(1)}`).join(" ");
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
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>
${ticks.join("\n")}
<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + h}" stroke="black"/>
<line x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}" stroke="black"/>
<text x="${pad.left + w / 2}" y="${height - 8}" text-anchor="middle">epoch (0 … ${maxEpoch})</text>
<text x="16" y="${pad.top + h / 2}" transform="rotate(-90 16 ${
    pad.top + h / 2
  })" text-anchor="middle">cost</text>
<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line}"/>
</svg>
`;
}

/**
 * Printing in Neanderthal's style, so a REPL shows what the book shows:
 * a header naming the kind, the dtype and the shape, then the (elided) entries.
 *
 * @module
 */

import type { Operand } from "./engine.ts";
import type { Factory } from "./factory.ts";
import { dtypeName, type Layout } from "./types.ts";

/** What printing reads of a vector (structures.ts's Vector is one). */
interface Vector extends Operand {
  readonly factory: Factory;
  readonly dim: number;
  readonly stride: number;
}

/** What printing reads of a matrix (structures.ts's GEMatrix is one). */
interface GEMatrix extends Operand {
  readonly factory: Factory;
  readonly m: number;
  readonly n: number;
  readonly layout: Layout;
}

const SHOWN = 10; // more entries than this along a dimension are elided
const HEAD = 5;
const TAIL = 2;

/** A number as the book prints it: two decimals, exponent form when very large or small. */
export function formatEntry(v: number): string {
  const a = Math.abs(v);
  if (Number.isNaN(v) || !Number.isFinite(v)) return String(v);
  if (a !== 0 && (a >= 1e5 || a < 5e-3)) return v.toExponential(2);
  const s = v.toFixed(2);
  return s === "-0.00" ? "0.00" : s;
}

function shownIndices(n: number): (number | null)[] {
  if (n <= SHOWN) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: HEAD }, (_, i) => i);
  const tail = Array.from({ length: TAIL }, (_, i) => n - TAIL + i);
  return [...head, null, ...tail];
}

/** Why a structure's entries cannot be shown, or undefined where they can. */
export function unreadable(
  s: { readonly storage: Operand["storage"]; readonly factory: Factory },
): string | undefined {
  if (s.storage.released) return "(released)";
  if (s.factory.engine.hostArray(s.storage.buffer) === undefined) {
    return `(on ${s.factory.engine.name}: \`await transfer(x)\` reads it)`;
  }
  return undefined;
}

const vectorHeader = (x: Vector): string =>
  `#RealBlockVector[${
    dtypeName(x.factory.dtype)
  }, n:${x.dim}, offset: ${x.offset}, stride:${x.stride}]`;

const matrixHeader = (a: GEMatrix): string =>
  `#RealGEMatrix[${
    dtypeName(a.factory.dtype)
  }, mxn:${a.m}x${a.n}, layout:${a.layout}, offset:${a.offset}]`;

/** `#RealBlockVector[double, n:4, offset: 0, stride:1]` and the entries. */
export function formatVector(x: Vector): string {
  const header = vectorHeader(x);
  const note = unreadable(x);
  if (note !== undefined) return `${header}\n${note}`;
  const a = x.factory.engine.hostArray(x.storage.buffer)!;
  const cells = shownIndices(x.dim).map((i) =>
    i === null ? "⋯" : formatEntry(a[x.offset + i * x.stride])
  );
  return `${header}\n[ ${cells.join(" ")} ]`;
}

/** `#RealGEMatrix[double, mxn:4x2, layout:row, offset:0]` and the entries, row by row. */
export function formatMatrix(a: GEMatrix): string {
  const note = unreadable(a);
  if (note !== undefined) return `${matrixHeader(a)}\n${note}`;
  const buf = a.factory.engine.hostArray(a.storage.buffer)!;
  return formatGrid(
    matrixHeader(a),
    a.m,
    a.n,
    (i, j) => buf[a.offset + i * a.rowStride + j * a.colStride],
  );
}

/** A header and an m×n grid of entries read by `at`, row by row, elided past ten a side. */
export function formatGrid(
  header: string,
  m: number,
  n: number,
  at: (i: number, j: number) => number,
): string {
  const rowIdx = shownIndices(m);
  const colIdx = shownIndices(n);
  const cells = rowIdx.map((i) =>
    colIdx.map((j) => {
      if (i === null) return j === null ? "⋱" : "⋮";
      if (j === null) return "⋯";
      return formatEntry(at(i, j));
    })
  );
  const width = Math.max(1, ...cells.flat().map((c) => c.length));
  const lines = cells.map((r) => r.map((c) => c.padStart(width)).join("  "));
  return `${header}\n${lines.map((l) => "   " + l).join("\n")}`;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * An HTML table of a structure for notebooks: the printed header as its caption, then the
 * entries with their indices (elided past ten a side, as in printing); a vector is one row.
 */
export function htmlStructure(s: Vector | GEMatrix): string {
  const isVector = "dim" in s;
  const header = isVector ? vectorHeader(s) : matrixHeader(s);
  const note = unreadable(s);
  if (note !== undefined) return htmlNote(header, note);
  const a = s.factory.engine.hostArray(s.storage.buffer)!;
  const at = (i: number, j: number) =>
    isVector ? a[s.offset + j * s.rowStride] : a[s.offset + i * s.rowStride + j * s.colStride];
  return htmlGrid(header, isVector ? 1 : s.rows, isVector ? s.rows : s.cols, at, isVector);
}

/** A table holding only a note (memory the host cannot read, or released). */
export function htmlNote(header: string, note: string): string {
  return `<table>${caption(header)}<tr><td>${escape(note)}</td></tr></table>`;
}

const caption = (header: string) =>
  `<caption style="caption-side:top;text-align:left;font-family:monospace">${
    escape(header)
  }</caption>`;

/** An HTML table of an m×n grid read by `at`, with indices; `flat` leaves out the row index. */
export function htmlGrid(
  header: string,
  m: number,
  n: number,
  at: (i: number, j: number) => number,
  flat = false,
): string {
  const rowIdx = flat ? [0] : shownIndices(m);
  const colIdx = shownIndices(n);
  const th = (v: number | null) =>
    `<th style="color:#888;font-weight:normal">${v === null ? "⋯" : v}</th>`;
  const cell = (i: number | null, j: number | null) => {
    const text = i === null ? (j === null ? "⋱" : "⋮") : j === null ? "⋯" : formatEntry(at(i, j));
    return `<td style="text-align:right;font-family:monospace">${text}</td>`;
  };
  const head = `<tr>${flat ? "" : "<th></th>"}${colIdx.map(th).join("")}</tr>`;
  const rows = rowIdx.map((i) =>
    `<tr>${flat ? "" : th(i)}${colIdx.map((j) => cell(i, j)).join("")}</tr>`
  );
  return `<table>${caption(header)}${head}${rows.join("")}</table>`;
}

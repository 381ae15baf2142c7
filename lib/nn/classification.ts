/**
 * Classification metrics: the confusion matrix of predicted against true classes, and from it
 * accuracy, precision, recall and F1 for every class with their macro and micro averages.
 *
 * @module
 */

import { confusionMatrixSvg, type HeatmapOptions } from "../pictures/heatmap.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import type { Later } from "../access.ts";
import { toArray, transfer_ } from "../access.ts";
import { ge } from "../core/construct.ts";
import { liveMatrix } from "../core/checks.ts";
import { liveTensor, Tensor } from "../tensor/tensor.ts";
import { viewGe } from "../tensor/views.ts";
import { hostFactory } from "../engines/registry.ts";

/**
 * Counts of (true class, predicted class) pairs: row i, column j counts the samples of class i
 * predicted as class j, so the diagonal holds the right answers.
 */
export class ConfusionMatrix {
  /** The number of classes. */
  readonly classes: number;
  /** The counts, row-major: `counts[i * classes + j]` samples of class i were predicted j. */
  readonly counts: Float64Array;

  /** Internal: use {@linkcode confusionMatrix}. */
  constructor(classes: number, counts: Float64Array) {
    this.classes = classes;
    this.counts = counts;
  }

  /** How many samples of class `actual` were predicted as `predicted`. */
  at(actual: number, predicted: number): number {
    return this.counts[actual * this.classes + predicted];
  }

  /** The number of samples counted. */
  get total(): number {
    return this.counts.reduce((s, c) => s + c, 0);
  }

  /** The table, true classes down, predicted classes across, as the console prints it. */
  toString(): string {
    const width = Math.max(3, ...Array.from(this.counts, (c) => String(c).length)) + 1;
    const cell = (v: string | number) => String(v).padStart(width);
    const head = cell("") + Array.from({ length: this.classes }, (_, j) => cell(j)).join("");
    const rows = Array.from(
      { length: this.classes },
      (_, i) =>
        cell(i) + Array.from({ length: this.classes }, (_, j) => cell(this.at(i, j))).join(""),
    );
    return [`#ConfusionMatrix[${this.classes} classes, ${this.total} samples]`, head, ...rows]
      .join("\n");
  }

  /** The console shows the table. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * The matrix as a heat map (SVG text): each cell shaded by its share of its row and labeled
   * with its count; `labels` name the classes.
   */
  svg(options: HeatmapOptions = {}): string {
    return confusionMatrixSvg(this.counts, this.classes, options);
  }

  /** In `deno jupyter`: the heat map. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "image/svg+xml": this.svg(), "text/plain": this.toString() };
  }
}

/**
 * The confusion matrix of predicted against true classes, each a class index in [0, classes).
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "@knap/knap/nn";
 * const cm = confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3);
 * if (cm.at(1, 2) !== 1 || cm.at(2, 2) !== 1) throw new Error("unexpected");
 * ```
 */
export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes?: number,
): ConfusionMatrix {
  const op = "confusionMatrix";
  if (actual.length !== predicted.length) {
    throw new RangeError(
      `${op}: ${actual.length} true classes against ${predicted.length} predictions`,
    );
  }
  let k = classes ?? 0;
  if (classes === undefined) {
    // Only whole classes count toward k; the loop below names a sample that is not one.
    const top = (c: number) => (Number.isSafeInteger(c) ? c + 1 : 0);
    for (let i = 0; i < actual.length; i++) k = Math.max(k, top(actual[i]), top(predicted[i]));
    k = Math.max(k, 1);
  }
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new RangeError(`${op}: the number of classes must be a positive integer, got ${k}`);
  }
  const counts = new Float64Array(k * k);
  for (let s = 0; s < actual.length; s++) {
    const i = actual[s], j = predicted[s];
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= k || j >= k) {
      throw new RangeError(
        `${op}: sample ${s} has true class ${i} and prediction ${j}; classes are 0 to ${k - 1}`,
      );
    }
    counts[i * k + j]++;
  }
  return new ConfusionMatrix(k, counts);
}

/** Precision, recall and F1 of one class, or their average over classes. */
export interface ClassScores {
  /** Of the samples predicted as the class, the fraction that are of it (0 when none are). */
  readonly precision: number;
  /** Of the samples of the class, the fraction predicted as it (0 when there are none). */
  readonly recall: number;
  /** The harmonic mean of precision and recall (0 when both are 0). */
  readonly f1: number;
}

/** One class's scores and how many samples it has. */
export interface ClassReport extends ClassScores {
  /** The number of samples of this class. */
  readonly support: number;
}

/** What {@linkcode classificationMetrics} reports. */
export interface ClassificationMetrics {
  /** The fraction of samples predicted right. */
  readonly accuracy: number;
  /** Each class's scores, by class index. */
  readonly perClass: readonly ClassReport[];
  /** The unweighted mean of the classes' precision, recall and F1. */
  readonly macro: ClassScores;
  /**
   * Precision, recall and F1 of the counts pooled over classes; with one class per sample all
   * three equal the accuracy.
   */
  readonly micro: ClassScores;
}

function scores(tp: number, predicted: number, actual: number): ClassScores {
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = actual === 0 ? 0 : tp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * Accuracy, and precision, recall and F1 per class with their macro and micro averages, from a
 * confusion matrix. A class never predicted has precision 0, one with no samples recall 0.
 *
 * @example
 * ```ts
 * import { classificationMetrics, confusionMatrix } from "@knap/knap/nn";
 * const m = classificationMetrics(confusionMatrix([0, 0, 1, 1], [0, 1, 1, 1]));
 * if (m.accuracy !== 0.75 || m.perClass[1].precision !== 2 / 3) throw new Error("unexpected");
 * ```
 */
export function classificationMetrics(cm: ConfusionMatrix): ClassificationMetrics {
  const k = cm.classes;
  const perClass: ClassReport[] = [];
  let right = 0;
  for (let c = 0; c < k; c++) {
    let predicted = 0, actual = 0;
    for (let o = 0; o < k; o++) {
      predicted += cm.at(o, c);
      actual += cm.at(c, o);
    }
    right += cm.at(c, c);
    perClass.push({ ...scores(cm.at(c, c), predicted, actual), support: actual });
  }
  const total = cm.total;
  const mean = (key: keyof ClassScores) => perClass.reduce((s, r) => s + r[key], 0) / k;
  return {
    accuracy: total === 0 ? 0 : right / total,
    perClass,
    macro: { precision: mean("precision"), recall: mean("recall"), f1: mean("f1") },
    micro: scores(right, total, total),
  };
}

/**
 * The class each column of a network's outputs predicts: the row of its largest entry (the first
 * on ties), or for a single-row output, 1 where the entry is at least 0.5 and 0 elsewhere. An
 * output holding NaN predicts nothing: it is refused, naming the sample, rather than counted as
 * some class.
 *
 * A tensor network's outputs, an [n, classes] tensor, are taken as they are: one row a sample.
 *
 * @example
 * ```ts
 * import { dge } from "@knap/knap";
 * import { predictedClasses } from "@knap/knap/nn";
 * using a = dge(3, 2, [0.1, 0.7, 0.2, 0.5, 0.4, 0.1]);
 * if (predictedClasses(a).join() !== "1,0") throw new Error("unexpected");
 * ```
 */
export function predictedClasses<L extends Loc>(a: GEMatrix<L>): Later<L, Int32Array>;
/**
 * The class each sample (row) of a tensor network's [n, classes] outputs predicts.
 *
 * @example
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { predictedClasses } from "@knap/knap/nn";
 * using p = tensor(jsFloat, [2, 3], "nc", [0.1, 0.7, 0.2, 0.5, 0.4, 0.1]);
 * if (predictedClasses(p).join() !== "1,0") throw new Error("unexpected");
 * ```
 */
export function predictedClasses<L extends Loc>(a: Tensor<L>): Later<L, Int32Array>;
export function predictedClasses<L extends Loc>(
  outputs: GEMatrix<L> | Tensor<L>,
): Later<L, Int32Array> {
  let a: GEMatrix<L>;
  if (outputs instanceof Tensor) {
    liveTensor("predictedClasses", outputs, "a");
    if (outputs.shape.length !== 2) {
      throw new RangeError(
        `predictedClasses: a tensor of outputs is [n, classes], got [${outputs.shape.join(", ")}]`,
      );
    }
    a = viewGe(outputs); // classes × n: a column per sample
  } else {
    a = outputs;
  }
  liveMatrix("predictedClasses", a, "a");
  const { m, n } = a;
  const columns = ge(hostFactory("float64"), m, n);
  const pick = () => {
    using _ = columns;
    const v = toArray(columns); // sample j's outputs are v[j*m, j*m + m)
    const out = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      let best = 0;
      for (let i = 0; i < m; i++) {
        const x = v[j * m + i];
        if (Number.isNaN(x)) {
          throw new RangeError(`predictedClasses: sample ${j}'s output ${i} is NaN`);
        }
        if (x > v[j * m + best]) best = i;
      }
      out[j] = m === 1 ? (v[j] >= 0.5 ? 1 : 0) : best;
    }
    return out;
  };
  let moved;
  try {
    moved = transfer_(a, columns);
  } catch (e) {
    columns[Symbol.dispose]();
    throw e;
  }
  return (moved instanceof Promise
    ? moved.then(pick, (e) => {
      columns[Symbol.dispose]();
      throw e;
    })
    : pick()) as Later<L, Int32Array>;
}

/**
 * A table of the metrics, one line per class and the averages, as a report prints them.
 *
 * @example
 * ```ts
 * import { classificationMetrics, confusionMatrix, metricsTable } from "@knap/knap/nn";
 * const table = metricsTable(classificationMetrics(confusionMatrix([0, 1, 1], [0, 1, 0])));
 * if (!table.includes("accuracy 0.6667")) throw new Error(table);
 * ```
 */
export function metricsTable(m: ClassificationMetrics): string {
  const f = (v: number) => v.toFixed(4).padStart(10);
  const line = (label: string, s: ClassScores, support: string) =>
    `${label.padStart(7)}${f(s.precision)}${f(s.recall)}${f(s.f1)}${support.padStart(10)}`;
  const total = m.perClass.reduce((n, r) => n + r.support, 0);
  return [
    `${"class".padStart(7)}${"precision".padStart(10)}${"recall".padStart(10)}${"F1".padStart(10)}${
      "support".padStart(10)
    }`,
    ...m.perClass.map((r, c) => line(String(c), r, String(r.support))),
    line("macro", m.macro, String(total)),
    line("micro", m.micro, String(total)),
    `accuracy ${m.accuracy.toFixed(4)}`,
  ].join("\n");
}

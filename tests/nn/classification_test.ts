/**
 * Classification metrics against cases computed by hand, and the predicted classes of network
 * outputs on every engine against the js engine's.
 */
import { ge, type GEMatrix, jsDouble, transfer } from "../../mod.ts";
import { classificationMetrics, confusionMatrix, predictedClasses } from "../../lib/nn/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { learningFactories } from "./_factories.ts";

const close = (got: number, want: number, what: string) =>
  assert(Math.abs(got - want) < 1e-15, `${what}: ${got}, by hand ${want}`);

Deno.test("confusionMatrix counts true classes down, predictions across", () => {
  const cm = confusionMatrix([0, 0, 0, 1, 1, 2, 2, 2, 2, 2], [0, 0, 1, 1, 2, 2, 2, 2, 0, 1]);
  assertEquals(cm.classes, 3);
  assertEquals(Array.from(cm.counts), [2, 1, 0, 0, 1, 1, 1, 1, 3]);
  assertEquals(cm.total, 10);
  assertEquals(
    cm.toString().split("\n"),
    [
      "#ConfusionMatrix[3 classes, 10 samples]",
      "       0   1   2",
      "   0   2   1   0",
      "   1   0   1   1",
      "   2   1   1   3",
    ],
  );
});

Deno.test("classificationMetrics: accuracy, per-class, macro and micro scores, by hand", () => {
  const m = classificationMetrics(
    confusionMatrix([0, 0, 0, 1, 1, 2, 2, 2, 2, 2], [0, 0, 1, 1, 2, 2, 2, 2, 0, 1]),
  );
  close(m.accuracy, 0.6, "accuracy");
  // Class 0: 2 right of 3 predicted and 3 true; class 1: 1 of 3 and 2; class 2: 3 of 4 and 5.
  const want = [
    { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
    { precision: 1 / 3, recall: 1 / 2, f1: 2 / 5, support: 2 },
    { precision: 3 / 4, recall: 3 / 5, f1: 2 / 3, support: 5 },
  ];
  want.forEach((w, c) => {
    close(m.perClass[c].precision, w.precision, `class ${c} precision`);
    close(m.perClass[c].recall, w.recall, `class ${c} recall`);
    close(m.perClass[c].f1, w.f1, `class ${c} F1`);
    assertEquals(m.perClass[c].support, w.support);
  });
  close(m.macro.precision, (2 / 3 + 1 / 3 + 3 / 4) / 3, "macro precision");
  close(m.macro.recall, (2 / 3 + 1 / 2 + 3 / 5) / 3, "macro recall");
  close(m.macro.f1, (2 / 3 + 2 / 5 + 2 / 3) / 3, "macro F1");
  for (const k of ["precision", "recall", "f1"] as const) close(m.micro[k], 0.6, `micro ${k}`);
});

Deno.test("classificationMetrics: a class never predicted or never present scores 0, not NaN", () => {
  const m = classificationMetrics(confusionMatrix([0, 1], [0, 0], 3));
  assertEquals(m.perClass.map((r) => [r.precision, r.recall, r.f1, r.support]), [
    [0.5, 1, 2 / 3, 1],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
  ]);
  close(m.macro.f1, 2 / 9, "macro F1");
  assertEquals(classificationMetrics(confusionMatrix([], [], 2)).accuracy, 0);
});

Deno.test("confusionMatrix refuses what it cannot count, naming the sample", () => {
  assertThrows(() => confusionMatrix([0, 1], [0]), RangeError, "2 true classes", "1 predictions");
  assertThrows(() => confusionMatrix([0, 3], [0, 1], 3), RangeError, "sample 1", "0 to 2");
  assertThrows(() => confusionMatrix([0, 1.5], [0, 1]), RangeError, "sample 1");
  assertThrows(() => confusionMatrix([-1], [0], 2), RangeError, "sample 0");
  assertThrows(() => confusionMatrix([], [], 0), RangeError, "positive");
});

const outputs = [
  0.1,
  0.7,
  0.2, // sample 0: class 1
  0.5,
  0.5,
  0.1, // a tie: the first
  -3,
  -2,
  -1, // class 2
  0.3,
  0.1,
  0.3, // tie between 0 and 2: 0
];

for (const make of learningFactories()) {
  const f = await make();
  Deno.test(`predictedClasses: the largest output's row, as on js (${f.name})`, async () => {
    using a = transfer(f, ge(jsDouble, 3, 4, outputs));
    assertEquals(Array.from(await predictedClasses(a as GEMatrix)), [1, 0, 2, 0]);
    using row = transfer(f, ge(jsDouble, 1, 4, [0.49, 0.5, 0.9, 0]));
    assertEquals(Array.from(await predictedClasses(row as GEMatrix)), [0, 1, 1, 0]);
    using poisoned = transfer(f, ge(jsDouble, 3, 2, [0, 1, 0, 0, NaN, 1]));
    let refused = "";
    try {
      await predictedClasses(poisoned as GEMatrix);
    } catch (e) {
      refused = String(e);
    }
    assert(refused.includes("sample 1") && refused.includes("NaN"), `got "${refused}"`);
    using t = transfer(f, ge(jsDouble, 2, 2, [1, 0, 0, 1], { layout: "row" }));
    assertEquals(Array.from(await predictedClasses(t as GEMatrix)), [0, 1]);
  });
}

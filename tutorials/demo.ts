/**
 * `deno task demo`: the book's chapters so far, one after another. Each chapter is also a
 * script of its own in this folder.
 */
const chapters = [
  "./01_representing_layers.ts",
  "./02_bias_and_activation.ts",
  "./03_fully_connected.ts",
  "./04_batch_processing.ts",
  "./05_sharing_memory.ts",
  "./06_gpu_computing.ts",
];

for (const chapter of chapters) {
  console.log(`\n━━━ ${chapter.slice(2, -3)} ━━━\n`);
  await import(chapter);
}

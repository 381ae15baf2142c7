/**
 * `deno task demo`: the book in brief — a layer as a matrix–vector product (chapter 1), bias
 * and activations (2), layers as values (3), the same network on every engine present (6), and
 * a network that learns a function it has never seen (14). Every chapter is a script of its
 * own in this folder; run any with `deno run -A tutorials/NN_name.ts`.
 */
const chapters: [string, ...string[]][] = [
  ["01_representing_layers.ts"],
  ["02_bias_and_activation.ts"],
  ["03_fully_connected.ts", "--no-bench"],
  ["06_gpu_computing.ts", "--no-bench"],
  ["14_regression.ts"],
];

for (const [script, ...args] of chapters) {
  console.log(`\n━━━ ${script.slice(0, -3)} ━━━\n`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, import.meta.url).pathname, ...args, ...Deno.args],
  }).spawn().status;
  if (!status.success) Deno.exit(status.code);
}

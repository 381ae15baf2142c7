/** The safetensors files the reference implementation wrote, in ../shared/fixtures. */

/** The fixtures' folder. */
export const fixtures = new URL("../../../shared/fixtures/safetensors/", import.meta.url);

/** Whether the fixtures are here (they are not beside a user's copy of knap). */
export const fixturesPresent = await Deno.stat(new URL("expected.json", fixtures)).then(
  () => true,
  () => false,
);

/** expected.json as Python wrote it: ±Infinity and NaN bare, which JSON.parse needs quoted. */
// deno-lint-ignore no-explicit-any
export async function expectations(): Promise<Record<string, any>> {
  const text = await Deno.readTextFile(new URL("expected.json", fixtures));
  return JSON.parse(text.replace(/(-?Infinity|NaN)(?=[,\]\s])/g, '"$1"'));
}

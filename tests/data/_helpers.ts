export { fetchDataset } from "../../lib/data/mod.ts";
import { KnapError } from "../../mod.ts";

/** Whether e is a KnapError with this code. */
export function KnapErrorLike(e: unknown, code: string): boolean {
  return e instanceof KnapError && e.code === code;
}

/** The shared data folder beside the repository, or undefined with the reason. */
export async function sharedData(file: string): Promise<string | undefined> {
  const path = new URL(`../../../shared/data/${file}`, import.meta.url).pathname;
  try {
    await Deno.stat(path);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * The tutorials' flags, read by one parser (`node:util`'s `parseArgs`): each tutorial and each
 * helper declares the flags it reads, and the first read parses them all, so `--backend webgpu`
 * and `--backend=webgpu` both work and an unknown flag, a missing value or a value outside a
 * flag's choices ends the tutorial with the usage text (exit code 2) instead of being ignored.
 */
import { parseArgs } from "node:util";

/** One flag: a value (`--name=VALUE` or `--name VALUE`) or a switch (`--name`). */
export interface Flag {
  readonly type: "string" | "boolean";
  /** What it does, for the usage text. */
  readonly help: string;
  /** The values a string flag takes, where only some make sense. */
  readonly choices?: readonly string[];
}

const declared = new Map<string, Flag>();
let parsed: Record<string, string | boolean | undefined> | undefined;

/** Declares flags; every one must be declared before the first is read. */
export function declareFlags(flags: Record<string, Flag>): void {
  if (parsed !== undefined) throw new Error("tutorial flags declared after they were read");
  for (const [name, f] of Object.entries(flags)) declared.set(name, f);
}

/** The usage text: the script and every declared flag. */
export function usage(): string {
  const script = new URL(Deno.mainModule).pathname.split("/").slice(-2).join("/");
  const lines = [...declared].map(([name, f]) => {
    const form = f.type === "boolean"
      ? `--${name}`
      : `--${name}=${f.choices ? f.choices.join("|") : "VALUE"}`;
    return `  ${form.padEnd(48)} ${f.help}`;
  });
  return `usage: deno run -A ${script} [flags]\n${lines.join("\n")}`;
}

/** Ends the tutorial with a message and the usage text. */
function fail(message: string): never {
  console.error(`${message}\n\n${usage()}`);
  Deno.exit(2);
}

/** Every flag given, parsed once. */
function values(): Record<string, string | boolean | undefined> {
  if (parsed !== undefined) return parsed;
  const options = Object.fromEntries([...declared].map(([name, f]) => [name, { type: f.type }]));
  try {
    parsed = parseArgs({ args: Deno.args, options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (e) {
    fail((e as Error).message);
  }
  for (const [name, f] of declared) {
    const v = parsed[name];
    if (typeof v === "string" && f.choices !== undefined && !f.choices.includes(v)) {
      fail(`--${name}=${v}: choose one of ${f.choices.join(", ")}`);
    }
  }
  return parsed;
}

/** A string flag's value, or undefined where it is not given. */
export function stringFlag(name: string): string | undefined {
  const v = values()[name];
  return typeof v === "string" ? v : undefined;
}

/** Whether a switch is given. */
export function booleanFlag(name: string): boolean {
  return values()[name] === true;
}

/** A number flag's value, or `fallback` where it is not given; anything but a number fails. */
export function numberFlag(name: string, fallback: number): number {
  const given = stringFlag(name);
  if (given === undefined) return fallback;
  const v = Number(given);
  if (given.trim() === "" || !Number.isFinite(v)) fail(`--${name}=${given}: not a number`);
  return v;
}

/**
 * Assembles tools/philox.wat into lib/engines/js/philox_wasm_bytes.ts (the module's bytes as
 * base64), so the library needs no assembler. `deno run -A tools/philox_wasm.ts`
 */
import wabtInit from "npm:wabt@1.0.36";

const here = new URL(".", import.meta.url);
const wat = await Deno.readTextFile(new URL("philox.wat", here));
const wabt = await wabtInit();
const module = wabt.parseWat("philox.wat", wat);
module.validate();
const { buffer } = module.toBinary({});
let text = "";
for (const b of buffer) text += String.fromCharCode(b);
const out = `/**
 * The bytes of tools/philox.wat, assembled by tools/philox_wasm.ts (do not edit: rerun it).
 *
 * @module
 */

/** The WebAssembly module's bytes, base64. */
export const philoxWasm: string =
  "${btoa(text)}";
`;
await Deno.writeTextFile(new URL("../lib/engines/js/philox_wasm_bytes.ts", here), out);
console.log(`${buffer.length} bytes`);

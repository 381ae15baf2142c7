/** Reading any tensor back for the tensor tests. */
import { jsDouble, jsFloat, type Tensor, tensor, transformer } from "../../mod.ts";

/** The entries of any tensor in logical row-major order, read through the js engine. */
export async function valuesOf(t: Tensor): Promise<number[]> {
  using host = tensor(t.dtype === "float64" ? jsDouble : jsFloat, t.shape);
  await transformer(t, host).run();
  return Array.from(host.toArray());
}

/** 1, 2, …, n. */
export const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Printing tensors in the tutorials, reading a device's back through a host tensor first. */
import { jsDouble, type Tensor, tensor, transformer } from "../mod.ts";

/** Prints a tensor as Deep Diamond shows it, from any engine. */
export async function showTensor(t: Tensor): Promise<void> {
  if (t.factory.location === "host" && t.dtype !== "bfloat16") {
    console.log(String(t));
    return;
  }
  using host = tensor(jsDouble, t.shape, t.layout ?? undefined);
  await transformer(t, host).run();
  console.log(String(host));
}

/**
 * Tensor networks, Deep Diamond's half of the book: networks that take and give tensors, built
 * on the matrix networks of `@knap/knap/nn` (one implementation of layers, costs, optimizers
 * and training), so they run on every engine.
 *
 * @example MNIST-shaped images through a softmax classifier
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { dense, infer, init_, network } from "@knap/knap/dnn";
 * using net = init_(network(jsFloat, [2, 1, 28, 28], [dense(16, "relu"), dense(10, "softmax")]), { seed: 1 });
 * using x = tensor(jsFloat, [2, 1, 28, 28]);
 * const p = Array.from(infer(net, x).toArray());
 * if (Math.abs(p.slice(0, 10).reduce((a, b) => a + b) - 1) > 1e-6) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export { dense, infer, init_, load, network, save, TensorNetwork, train } from "./network.ts";

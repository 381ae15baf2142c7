/**
 * Chapter 30's CNN, layer by layer, and Fashion-MNIST's class names: shared by the tutorials and
 * the web page that loads a trained copy (web/src/fashion.ts), so both build the same network.
 */
import { convo, dense, dropout, type NetworkLayerSpec, pooling } from "../lib/dnn/mod.ts";

/** The CNN: [1, 28, 28] → 16 × [28, 28] → 16 × [14, 14] → 32 × [14, 14] → 32 × [7, 7] → 128 → 10. */
export const fashionLayers = (): NetworkLayerSpec[] => [
  convo(16, [3, 3], "relu", { padding: 1 }),
  pooling([2, 2], "max"),
  convo(32, [3, 3], "relu", { padding: 1 }),
  pooling([2, 2], "max"),
  dropout(0.25),
  dense(128, "relu"),
  dense(10, "softmax"),
];

/** Fashion-MNIST's ten classes, by label. */
export const fashionClasses: readonly string[] = [
  "T-shirt/top",
  "trouser",
  "pullover",
  "dress",
  "coat",
  "sandal",
  "shirt",
  "sneaker",
  "bag",
  "ankle boot",
];

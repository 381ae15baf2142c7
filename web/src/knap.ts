/**
 * The library in one ES module for a page without a build step (`web/dist/knap.js`): the root
 * module's names, and the networks, tensors networks, vector math and web data sets as
 * namespaces.
 *
 * ```html
 * <script type="module">
 *   import { dot, nn, vctr, jsFloat } from "./knap.js";
 *   const x = vctr(jsFloat, [1, 2, 3]);
 *   console.log(dot(x, x)); // 14
 * </script>
 * ```
 */
export * from "../../mod.ts";
export * as nn from "../../lib/nn/mod.ts";
export * as dnn from "../../lib/dnn/mod.ts";
export * as math from "../../lib/vect_math/mod.ts";
export * as web from "../../lib/web/mod.ts";

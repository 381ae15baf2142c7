/**
 * The small layer that hides oneDNN 2.x from 3.x, picked by the loaded library's version: 2.x
 * (`dnnl_v2.ts`) fills an operation descriptor and calls `dnnl_primitive_desc_create`; 3.x
 * (`dnnl_v3.ts`) calls each primitive's own `*_primitive_desc_create` over opaque memory
 * descriptors. What both offer is `DnnlApi` (`dnnl_spec.ts`).
 *
 * @module
 */

import { type DNNL, dnnlVersion } from "../../../ffi/dnnl.ts";
import type { DnnlApi } from "./dnnl_spec.ts";
import { dnnlV2 } from "./dnnl_v2.ts";
import { dnnlV3 } from "./dnnl_v3.ts";

/** The layer for the loaded library's API. */
export function dnnlApi(lib: DNNL["symbols"]): DnnlApi {
  const version = dnnlVersion(lib);
  return version[0] >= 3 ? dnnlV3(lib, version) : dnnlV2(lib, version);
}

/**
 * Where CUDA's libraries live on a user's machine: the driver's `libcuda` beside the system's
 * libraries, and NVRTC, cuBLAS and cuDNN in a toolkit (`KNAP_CUDA_PATH`, `CUDA_PATH`,
 * `/usr/local/cuda`) or — on many GPU machines the only copy — inside Python's `nvidia-*`
 * packages (`site-packages/nvidia/cublas/lib/libcublas.so.12`, …).
 *
 * @module
 */

import { envVar } from "../lib/core/env.ts";
import type { LibrarySpec } from "./load.ts";

/** One CUDA library: its file names by version, its pip package's folder, its install hint. */
export interface CudaLibrary {
  /** Human name: "cuBLAS". */
  readonly name: string;
  /** Explicit path variable: "KNAP_CUBLAS". */
  readonly env: string;
  /** Linux file names, newest first: ["libcublas.so.12", "libcublas.so.11", "libcublas.so"]. */
  readonly linux: readonly string[];
  /** Windows DLL names. */
  readonly windows: readonly string[];
  /** The folder under `site-packages/nvidia/` that holds it in pip's packages, if any. */
  readonly pip?: string;
  /** How to get it. */
  readonly install: string;
}

/** Readable directory entries, or none (missing, or not permitted). */
function list(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
}

/** Python's package folders that may hold `nvidia/…`: virtual env, conda, user and system ones. */
export function sitePackages(roots: readonly string[] = pythonRoots()): string[] {
  const out: string[] = [];
  for (const root of roots) {
    for (const lib of ["lib", "lib64", "local/lib"]) {
      for (const py of list(`${root}/${lib}`).filter((n) => /^python3(\.\d+)?$/.test(n)).sort()) {
        for (const kind of ["site-packages", "dist-packages"]) {
          const dir = `${root}/${lib}/${py}/${kind}`;
          if (list(`${dir}/nvidia`).length > 0) out.push(dir);
        }
      }
    }
  }
  return out;
}

function pythonRoots(): string[] {
  const home = envVar("HOME");
  return [
    envVar("VIRTUAL_ENV"),
    envVar("CONDA_PREFIX"),
    home === undefined ? undefined : `${home}/.local`,
    "/usr/local",
    "/usr",
    "/opt/conda",
  ].filter((r): r is string => r !== undefined && r !== "");
}

/** The toolkits to look in: `KNAP_CUDA_PATH`, `CUDA_PATH`, `CUDA_HOME`, `/usr/local/cuda`. */
export function toolkits(): string[] {
  const given = ["KNAP_CUDA_PATH", "CUDA_PATH", "CUDA_HOME"].map(envVar);
  return [...given, "/usr/local/cuda"].filter((r): r is string => r !== undefined && r !== "");
}

/**
 * The files to try for a library, in order: the toolkits' `lib64`/`lib` (`bin` on Windows), the
 * pip packages' folder, then the bare names for the system's loader.
 */
export function candidates(
  lib: CudaLibrary,
  roots: readonly string[] = toolkits(),
  sites: readonly string[] = lib.pip === undefined ? [] : sitePackages(),
  os: typeof Deno.build.os = Deno.build.os,
): string[] {
  const names = os === "windows" ? lib.windows : lib.linux;
  const out: string[] = [];
  for (const root of roots) {
    for (const sub of os === "windows" ? ["bin"] : ["lib64", "lib", "targets/x86_64-linux/lib"]) {
      const here = list(`${root}/${sub}`);
      for (const n of names) if (here.includes(n)) out.push(`${root}/${sub}/${n}`);
    }
  }
  if (lib.pip !== undefined) {
    for (const site of sites) {
      const dir = `${site}/nvidia/${lib.pip}/${os === "windows" ? "bin" : "lib"}`;
      const here = list(dir);
      for (const n of names) if (here.includes(n)) out.push(`${dir}/${n}`);
    }
  }
  return [...out, ...names];
}

/** A loader spec for the library with its candidates found now. */
export function cudaSpec(lib: CudaLibrary): LibrarySpec {
  return {
    name: lib.name,
    env: lib.env,
    names: { [Deno.build.os]: candidates(lib) },
    install: lib.install,
  };
}

/** The driver's library: it comes with the NVIDIA driver, never with the toolkit. */
export const cudaDriver: CudaLibrary = {
  name: "the CUDA driver (libcuda)",
  env: "KNAP_CUDA",
  linux: ["libcuda.so.1", "libcuda.so"],
  windows: ["nvcuda.dll"],
  install: "it comes with NVIDIA's GPU driver (Debian: apt install nvidia-driver)",
};

/** NVRTC, the run-time compiler. */
export const nvrtcLibrary: CudaLibrary = {
  name: "NVRTC",
  env: "KNAP_NVRTC",
  linux: ["libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"],
  windows: ["nvrtc64_120_0.dll", "nvrtc64_112_0.dll"],
  pip: "cuda_nvrtc",
  install: "the CUDA toolkit, or pip install nvidia-cuda-nvrtc-cu12; or set KNAP_CUDA_PATH",
};

/** cuBLAS. */
export const cublasLibrary: CudaLibrary = {
  name: "cuBLAS",
  env: "KNAP_CUBLAS",
  linux: ["libcublas.so.12", "libcublas.so.11", "libcublas.so"],
  windows: ["cublas64_12.dll", "cublas64_11.dll"],
  pip: "cublas",
  install: "the CUDA toolkit, or pip install nvidia-cublas-cu12; or set KNAP_CUDA_PATH",
};

/**
 * Open MPI through Deno FFI: the MPI calls knap makes, and the handles of `MPI_COMM_WORLD`,
 * the datatypes and the reduction operations, which Open MPI's ABI makes the addresses of global
 * objects (`&ompi_mpi_comm_world`, …) — read with the C library's `dlsym`, since Deno's FFI reads
 * a static's value, not its address. MPICH's ABI (integer handles) is not supported.
 *
 * @module
 */

import { KnapError } from "../lib/core/errors.ts";
import { type LibrarySpec, openLibrary } from "./load.ts";

/** Where Open MPI lives. */
const mpiSpec: LibrarySpec = {
  name: "Open MPI",
  env: "KNAP_MPI",
  names: {
    linux: ["libmpi.so.40", "libmpi.so"],
    darwin: ["/opt/homebrew/lib/libmpi.40.dylib", "/usr/local/lib/libmpi.40.dylib", "libmpi.dylib"],
  },
  install: "Debian/Ubuntu: apt install libopenmpi3 openmpi-bin; Homebrew: brew install open-mpi",
};

/** The MPI entry points knap binds. Handles are pointers; counts are C ints. */
const mpiSymbols = {
  MPI_Initialized: { parameters: ["buffer"], result: "i32" },
  MPI_Init: { parameters: ["pointer", "pointer"], result: "i32" },
  MPI_Init_thread: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  MPI_Query_thread: { parameters: ["buffer"], result: "i32" },
  MPI_Comm_dup: { parameters: ["pointer", "buffer"], result: "i32" },
  MPI_Finalized: { parameters: ["buffer"], result: "i32" },
  MPI_Finalize: { parameters: [], result: "i32" },
  MPI_Abort: { parameters: ["pointer", "i32"], result: "i32" },
  MPI_Comm_rank: { parameters: ["pointer", "buffer"], result: "i32" },
  MPI_Comm_size: { parameters: ["pointer", "buffer"], result: "i32" },
  MPI_Barrier: { parameters: ["pointer"], result: "i32" },
  MPI_Iallreduce: {
    parameters: ["pointer", "buffer", "i32", "pointer", "pointer", "pointer", "buffer"],
    result: "i32",
  },
  MPI_Test: { parameters: ["buffer", "buffer", "pointer"], result: "i32" },
  MPI_Allreduce: {
    parameters: ["pointer", "buffer", "i32", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  MPI_Bcast: { parameters: ["buffer", "i32", "pointer", "i32", "pointer"], result: "i32" },
  MPI_Wtime: { parameters: [], result: "f64" },
} as const;

/** The opened library. */
export type Mpi = Deno.DynamicLibrary<typeof mpiSymbols>["symbols"];

/** Open MPI's predefined handles. */
export interface MpiHandles {
  /** MPI_COMM_WORLD. */
  readonly world: Deno.PointerObject;
  /** MPI_FLOAT, MPI_DOUBLE, MPI_BYTE. */
  readonly float: Deno.PointerObject;
  readonly double: Deno.PointerObject;
  readonly byte: Deno.PointerObject;
  /** MPI_SUM, MPI_MAX, MPI_MIN. */
  readonly sum: Deno.PointerObject;
  readonly max: Deno.PointerObject;
  readonly min: Deno.PointerObject;
  /** MPI_IN_PLACE, (void *) 1 in Open MPI. */
  readonly inPlace: Deno.PointerObject;
  /** The address of MPI_Allreduce, for a thread that calls it on its own. */
  readonly allReduce: Deno.PointerObject;
}

const RTLD_NOW = 2, RTLD_GLOBAL = 0x100;

/** Opens Open MPI and finds its handles, or throws a KnapError naming what is missing. */
export function openMpi(): { mpi: Mpi; handles: MpiHandles } {
  const mpi = openLibrary(mpiSpec, mpiSymbols).symbols;
  const libc = Deno.dlopen(Deno.build.os === "darwin" ? "libSystem.B.dylib" : "libc.so.6", {
    dlopen: { parameters: ["buffer", "i32"], result: "pointer" },
    dlsym: { parameters: ["pointer", "buffer"], result: "pointer" },
  });
  const text = (s: string) => new TextEncoder().encode(s + "\0");
  // The library again through the C loader, global, as Open MPI's plugins expect.
  const paths = Deno.build.os === "darwin"
    ? ["libmpi.40.dylib", "libmpi.dylib"]
    : mpiSpec.names.linux!;
  let handle: Deno.PointerValue = null;
  for (const p of [Deno.env.get("KNAP_MPI") ?? "", ...paths].filter((p) => p !== "")) {
    handle = libc.symbols.dlopen(text(p), RTLD_NOW | RTLD_GLOBAL);
    if (handle !== null) break;
  }
  const address = (name: string): Deno.PointerObject => {
    const a = handle === null ? null : libc.symbols.dlsym(handle, text(name));
    if (a === null) {
      throw new KnapError(
        `Open MPI: ${name} is missing; knap speaks Open MPI's ABI (not MPICH's)`,
        "missing-library",
      );
    }
    return a;
  };
  return {
    mpi,
    handles: {
      world: address("ompi_mpi_comm_world"),
      float: address("ompi_mpi_float"),
      double: address("ompi_mpi_double"),
      byte: address("ompi_mpi_byte"),
      sum: address("ompi_mpi_op_sum"),
      max: address("ompi_mpi_op_max"),
      min: address("ompi_mpi_op_min"),
      inPlace: Deno.UnsafePointer.create(1n)!,
      allReduce: address("MPI_Allreduce"),
    },
  };
}

/**
 * Data-parallel training on MPI: a communicator over the processes `mpirun` started (Open MPI,
 * through FFI), and `sgdTrain`'s `communicator` option, which trains one network on every rank
 * with the gradients averaged across ranks before each step — PyTorch's DDP, on knap's engines.
 * Not started by `mpirun`, a program sees one process and runs unchanged.
 *
 * @example
 * ```ts
 * import { communicator } from "@knap/knap/distributed";
 * const comm = communicator();
 * if (comm.rank === 0) console.log(`${comm.size} process(es)`);
 * ```
 *
 * @module
 */

export {
  type CollectiveOptions,
  type Communicator,
  communicator,
  type CommunicatorOptions,
  type PendingReduce,
  type ReduceOp,
} from "./communicator.ts";

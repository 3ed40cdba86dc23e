import { availableParallelism, cpus, totalmem } from "node:os";

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly arch: string;
  readonly nodeVersion: string;
}

/** The machine the figures come from: they mean little without it. */
export function describeMachine(): Machine {
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    arch: process.arch,
    nodeVersion: process.version,
  };
}

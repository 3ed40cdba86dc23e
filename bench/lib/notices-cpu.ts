import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of the emulators the section started, read from /proc (Linux only; elsewhere the figures
 * are absent). The stack does not hand out its children, so each is found by the port on its
 * command line; only read, never signalled.
 */
export interface ProcessCpu {
  readonly name: string;
  readonly pid: number;
}

const ticksPerSecond = 100;

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

/** The processes whose command line names this port (DynamoDB Local: "-port N"; SES: "--port N"). */
export function findByPort(name: string, port: number): ProcessCpu | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const pattern = new RegExp(`(^| )--?port ${port}( |$)`);
  const found = pids.find((pid) => pattern.test(cmdline(pid)));
  return found ? { name, pid: Number(found) } : undefined;
}

/** User + system CPU of the process so far, ms; undefined once it is gone. */
export function cpuMs(process: ProcessCpu): number | undefined {
  try {
    const stat = readFileSync(`/proc/${process.pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

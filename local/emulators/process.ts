import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { connect, createServer } from "node:net";
import { dirname } from "node:path";
import type { LocalPorts } from "../settings";

export class StartupError extends Error {}

/** Resolves when something accepts TCP connections on the port, or rejects after the timeout. */
export async function waitForPort(port: number, name: string, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new StartupError(`${name} exited with code ${child.exitCode} before listening on port ${port}.`);
    }
    const open = await new Promise<boolean>((done) => {
      const socket = connect({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        socket.destroy();
        done(true);
      });
      socket.once("error", () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StartupError(`${name} did not listen on port ${port} within ${timeoutMs / 1000} s.`);
}

/** True when the port can be bound on 127.0.0.1 (nothing else uses it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => done(true)));
  });
}

/** A port the system says is free now (for tests, which must not collide with a running `npm start`). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Children still running: killed when this process exits, however it exits (but SIGKILL). */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/**
 * Four distinct free ports for a local stack of its own (tests, benchmarks), so that it never
 * collides with a running `npm start` nor with another such stack.
 */
export async function freeLocalPorts(): Promise<LocalPorts> {
  const taken = new Set<number>();
  const next = async () => {
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
    throw new StartupError("no free port found");
  };
  return {
    api: await next(),
    dynamodb: await next(),
    cognito: await next(),
    ses: await next(),
    web: await next(),
  };
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts an emulator as a child process whose output goes to a log file, not the terminal.
 * Its own process group, so that stopping it also stops anything it started.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  live.add(child);
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      live.delete(child);
      done();
    }),
  );
  return {
    name,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

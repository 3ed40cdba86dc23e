import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { FloorEnrollment } from "./enrollment-floor";

/**
 * The floor in a process of its own (bench/lib/enrollment-floor-child.ts): it loads the SDK clients
 * the handlers use (their own factories, so the same configuration) and the floor, and nothing of
 * the handlers' libraries. Process-wide costs that those libraries add to every AWS call (an
 * async_hooks hook, for one) are then counted against the handler, not hidden in its floor.
 */
export type FloorRequest =
  | { readonly flow: "verify-ok"; readonly customerNumber: string }
  | { readonly flow: "verify-failed"; readonly customerNumber: string }
  | { readonly flow: "enrollment"; readonly request: FloorEnrollment }
  | {
      readonly flow: "confirmation";
      readonly customerNumber: string;
      readonly confirmationToken: string;
      readonly email: string;
    };

export interface FloorReply {
  readonly id: number;
  readonly ok: boolean;
  readonly ms: number;
  readonly sdkMs: number;
  /** Wall time of each send(), in order. */
  readonly sendMs: readonly number[];
  readonly calls: readonly string[];
  /** The level of each call on the critical path (enrollment-aws-calls.ts). */
  readonly levels: readonly number[];
  /** verify-ok: the verification token; enrollment: the confirmation token. */
  readonly token?: string;
  readonly error?: string;
}

/** The child's first message, once its modules are loaded. */
export interface FloorReady {
  readonly ready: true;
  /** Modules of aws-xray-sdk-core or cls-hooked in the child's require cache (should be none). */
  readonly tracingModules: number;
}

export interface FloorProcess {
  run(request: FloorRequest): Promise<FloorReply>;
  readonly tracingModules: number;
  close(): Promise<void>;
}

const startTimeoutMs = 30_000;
const replyTimeoutMs = 15_000;

export async function startFloorProcess(
  root: string,
  environment: Readonly<Record<string, string>>,
): Promise<FloorProcess> {
  const child: ChildProcess = fork(join(root, "bench/lib/enrollment-floor-child.ts"), [], {
    cwd: root,
    execPath: join(root, "node_modules/.bin/node"),
    execArgv: ["--import", "tsx"],
    // The handlers' environment on a minimal base: NODE_OPTIONS or an AWS profile cannot change it.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      ...environment,
    },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const pending = new Map<number, { done: (reply: FloorReply) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.done({
          id,
          ok: false,
          ms: 0,
          sdkMs: 0,
          sendMs: [],
          calls: [],
          levels: [],
          error: "the floor process exited",
        });
      }
      pending.clear();
      resolve();
    }),
  );
  const ready = await new Promise<FloorReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the floor process did not start")), startTimeoutMs);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(message as FloorReady);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the floor process exited with code ${code} before it was ready`));
    });
  });
  child.on("message", (message) => {
    const reply = message as FloorReply;
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    clearTimeout(p.timer);
    p.done(reply);
  });
  return {
    tracingModules: ready.tracingModules,
    run(request) {
      const id = nextId++;
      return new Promise((done) => {
        if (exited) {
          done({
            id,
            ok: false,
            ms: 0,
            sdkMs: 0,
            sendMs: [],
            calls: [],
            levels: [],
            error: "the floor process exited",
          });
          return;
        }
        const timer = setTimeout(() => {
          pending.delete(id);
          done({
            id,
            ok: false,
            ms: 0,
            sdkMs: 0,
            sendMs: [],
            calls: [],
            levels: [],
            error: `no reply within ${replyTimeoutMs / 1000} s`,
          });
        }, replyTimeoutMs);
        pending.set(id, { done, timer });
        child.send({ id, ...request });
      });
    },
    async close() {
      if (!exited) {
        child.disconnect();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
}

import { spawn } from "node:child_process";
import { join } from "node:path";

export interface ColdStartSample {
  /** From just before spawn() until the child's result line reaches the parent. */
  readonly wallMs: number;
  /** Node's own boot inside the child: its time origin to the first line of the child script. */
  readonly bootMs: number;
  readonly importMs: number;
  readonly invokeMs: number;
  /** import + first invoke, timed inside the child. */
  readonly inProcessMs: number;
  readonly statusCode: number | null;
  readonly nodeVersion: string;
}

export interface ColdStartOptions {
  readonly root: string;
  readonly bundle: string;
  readonly event: unknown;
  readonly functionName: string;
  /** Where the child's SDK clients send their calls (the stub server). */
  readonly endpointUrl: string;
  readonly timeoutMs?: number;
}

import { env } from "../../lambdas/definitions/environment";
import { noticeEnv } from "../../lambdas/definitions/notices";
import { tables } from "../../lambdas/definitions/tables";
import { userPoolEnv } from "../../lambdas/definitions/user-pool";

const marker = "@@bench-result ";
/** Output kept for a failure report; the function's logs beyond this are dropped. */
const maxKeptOutput = 64 * 1024;

/**
 * The child's whole environment: a Lambda-like minimum, not the parent's (npm's variables,
 * NODE_OPTIONS, a developer's AWS profile or NODE_COMPILE_CACHE would change what is measured).
 */
function childEnv(options: ColdStartOptions): NodeJS.ProcessEnv {
  return {
    TZ: "UTC",
    LANG: "en_US.UTF-8",
    AWS_REGION: "ca-central-1",
    AWS_DEFAULT_REGION: "ca-central-1",
    AWS_ACCESS_KEY_ID: "AKIABENCHBENCHBENCH0",
    AWS_SECRET_ACCESS_KEY: "bench-secret-access-key",
    AWS_SESSION_TOKEN: "bench-session-token",
    AWS_ENDPOINT_URL: options.endpointUrl,
    // No shared config or credentials files: Lambda has none, and a developer's must not leak in.
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    POWERTOOLS_SERVICE_NAME: "enrollment",
    POWERTOOLS_METRICS_NAMESPACE: "OnlineServicesEnrollmentBench",
    ...deployedFunctionEnvironment(options.endpointUrl),
  };
}

/**
 * What the CDK stack gives every function (names from the definitions, values made up). The queue
 * URLs are on the stub: the SQS client sends to its queue URL's host, whatever the endpoint says.
 */
function deployedFunctionEnvironment(stubUrl: string): Record<string, string> {
  const out: Record<string, string> = {
    [userPoolEnv.userPoolId]: "ca-central-1_Bench0000",
    [userPoolEnv.webClientId]: "benchclientid0000000000000",
    [env.pepperSecretName]: "bench/pepper",
    [env.confirmationKeySecretName]: "bench/confirmation-key",
    [env.sesFrom]: "no-reply@example.com",
    [noticeEnv.queueUrl]: `${stubUrl}/000000000000/bench-notices`,
    [noticeEnv.dispatchQueueUrl]: `${stubUrl}/000000000000/bench-notices-dispatch`,
    [noticeEnv.sesMaxSendRate]: "14",
    [noticeEnv.senderConcurrency]: "2",
  };
  for (const table of tables) out[table.envVar] = `bench-${table.id}`;
  return out;
}

/** One cold start: a fresh node process imports the bundle and invokes its handler once. */
export function measureColdStart(options: ColdStartOptions): Promise<ColdStartSample> {
  const node = join(options.root, "node_modules/.bin/node");
  const childScript = join(options.root, "bench/lib/cold-start-child.mjs");
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, [childScript, options.bundle, JSON.stringify(options.event)], {
      cwd: options.root,
      env: childEnv(options),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let settled = false;
    let pending = "";
    let kept = "";
    let sample: ColdStartSample | undefined;
    const keep = (text: string) => {
      if (kept.length < maxKeptOutput) kept += text.slice(0, maxKeptOutput - kept.length);
    };
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${message}\n--- child output ---\n${kept}`));
    };
    const timer = setTimeout(
      () => fail(`cold start of ${options.bundle} timed out after ${timeoutMs} ms`),
      timeoutMs,
    );

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const arrived = performance.now();
      pending += chunk;
      let newline = pending.indexOf("\n");
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.startsWith(marker) && sample === undefined) {
          const result = JSON.parse(line.slice(marker.length)) as Omit<ColdStartSample, "wallMs">;
          sample = { wallMs: arrived - started, ...result };
        } else {
          keep(`${line}\n`);
        }
        newline = pending.indexOf("\n");
      }
      // A log line without a newline must not grow the buffer without bound.
      if (pending.length > maxKeptOutput) {
        keep(pending);
        pending = "";
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", keep);
    child.on("error", (error) => fail(`could not start ${node}: ${error.message}`));
    // 'close' (not 'exit'): stdout is fully read by then, so a result line cannot be missed.
    child.on("close", (code, signal) => {
      if (settled) return;
      if (sample !== undefined && code === 0) {
        settled = true;
        clearTimeout(timer);
        resolve(sample);
        return;
      }
      fail(`cold-start child for ${options.bundle} ended (code ${code}, signal ${signal}) without a result`);
    });
  });
}

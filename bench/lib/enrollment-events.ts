import { randomUUID } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { matchRoute } from "../../lambdas/definitions/routes";
import { toProxyEvent } from "../../local/http-adapter";

/** A request ready to hand to a handler: built before the clock starts. */
export interface PreparedRequest {
  readonly event: APIGatewayProxyEvent;
  readonly context: Context;
}

/**
 * The REST proxy event of a browser's JSON POST, built by the local HTTP adapter's own
 * `toProxyEvent` (same header casing, same request context) from the raw headers a browser sends.
 */
export function jsonPost(path: string, body: unknown, origin: string): PreparedRequest {
  const match = matchRoute("POST", path);
  if (!match) throw new Error(`bench: no POST route for ${path}`);
  const text = JSON.stringify(body);
  const rawHeaders = [
    "Host",
    "api.example.com",
    "Content-Type",
    "application/json",
    "Content-Length",
    String(Buffer.byteLength(text, "utf8")),
    "Accept",
    "application/json",
    "Accept-Language",
    "fr-CA,fr;q=0.9,en;q=0.8",
    "Origin",
    origin,
    "User-Agent",
    "Mozilla/5.0 (bench)",
  ];
  const request = {
    rawHeaders,
    method: "POST",
    httpVersion: "1.1",
    headers: { "user-agent": "Mozilla/5.0 (bench)" },
    socket: { remoteAddress: "127.0.0.1" },
  } as unknown as IncomingMessage;
  const requestId = randomUUID();
  const event = toProxyEvent(
    request,
    new URL(path, "http://localhost"),
    text,
    match.route.path,
    null,
    requestId,
  );
  return { event, context: lambdaContext(match.route.function, requestId) };
}

/** The Lambda context the local adapter passes (10 s deadline), for one invocation. */
function lambdaContext(name: string, requestId: string): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `bench-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:ca-central-1:000000000000:function:bench-${name}`,
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/bench-${name}`,
    logStreamName: "bench",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Sends this process's stdout to a file while the handlers run: their Powertools logger writes its
 * JSON lines to process.stdout (synchronously, as to Lambda's pipe), and the runner's stdout must
 * hold only the result tables. The write still happens, to a file, so its cost stays in the figures.
 */
export interface StdoutDiversion {
  /** Lines written since the last call. */
  takeLines(): number;
  /** Error-level log lines seen, the first few kept for the warnings. */
  readonly errorLines: readonly string[];
  restore(): void;
}

export function divertStdout(file: string): StdoutDiversion {
  const fd = openSync(file, "a");
  const original = process.stdout.write;
  let lines = 0;
  let errorCount = 0;
  const errorLines: string[] = [];
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    writeSync(fd, text);
    for (const line of text.split("\n")) {
      if (line.length === 0) continue;
      lines++;
      if (line.includes('"level":"ERROR"')) {
        errorCount++;
        if (errorLines.length < 3) errorLines.push(line.slice(0, 500));
      }
    }
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  let restored = false;
  return {
    takeLines() {
      const n = lines;
      lines = 0;
      return n;
    },
    get errorLines() {
      return errorCount > errorLines.length
        ? [...errorLines, `… ${errorCount} error lines in all`]
        : errorLines;
    },
    restore() {
      if (restored) return;
      restored = true;
      process.stdout.write = original;
      closeSync(fd);
    },
  };
}

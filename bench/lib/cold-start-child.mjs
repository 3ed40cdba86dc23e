// The child of one cold-start measurement, run by plain node (no tsx, no type stripping: a loader
// would be part of the measured start). Arguments: the bundle's path, the event as JSON.
// It imports the bundle, invokes `handler` once, prints one result line and exits.
import { pathToFileURL } from "node:url";

// Time since node's time origin (process start) before any bench work: node's own boot.
const bootMs = performance.now();
const [bundlePath, eventJson] = process.argv.slice(2);
if (bundlePath === undefined || eventJson === undefined) {
  process.stderr.write("usage: cold-start-child.mjs BUNDLE EVENT_JSON\n");
  process.exit(2);
}
// Parsed before the clock starts: in Lambda the runtime hands the event over already parsed.
const event = JSON.parse(eventJson);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "bench";
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: "$LATEST",
  invokedFunctionArn: `arn:aws:lambda:ca-central-1:123456789012:function:${functionName}`,
  memoryLimitInMB: "256",
  awsRequestId: "00000000-0000-4000-8000-000000000002",
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: "bench",
  // middy arms its early-timeout timer from this; a full 30 s keeps it out of the way.
  getRemainingTimeInMillis: () => 30_000,
  done() {},
  fail() {},
  succeed() {},
};

const start = performance.now();
const module = await import(pathToFileURL(bundlePath).href);
const imported = performance.now();
// A Lambda authorizer answers "no token" by throwing "Unauthorized" (API Gateway's convention).
const response = await module.handler(event, context).catch((error) => {
  if (error instanceof Error && error.message === "Unauthorized") return { statusCode: 401 };
  throw error;
});
const invoked = performance.now();

const result = {
  bootMs,
  importMs: imported - start,
  invokeMs: invoked - imported,
  inProcessMs: invoked - start,
  statusCode: typeof response?.statusCode === "number" ? response.statusCode : null,
  nodeVersion: process.version,
};
// A marker, because the function's own logs share stdout (as in Lambda).
process.stdout.write(`@@bench-result ${JSON.stringify(result)}\n`, () => {
  // Exit at once: open sockets or timers (SDK keep-alive, middy's timeout) must not hold the child.
  process.exit(0);
});

import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/**
 * What the Lambda runtime does for a function, done locally, where every function of the API runs
 * in one process and several invocations at once: a context of its own for each invocation (the
 * function's name, a request id of its own: the API's handlers and their authorizer are separate
 * functions in AWS), and the runtime's per-invocation store, so that the one logger and metrics
 * instance of the process keep each invocation's state apart.
 *
 * Powertools (Logger, Metrics) holds its per-invocation state in the runtime's `InvokeStore` when
 * `AWS_LAMBDA_MAX_CONCURRENCY` is set, as on a Lambda managed instance that runs invocations
 * concurrently. Without it, the state is shared: the lines of one invocation carried the function
 * name and request id of whichever invocation had started last, the authorizer's among them.
 */

export function lambdaContext(name: string, requestId: string = randomUUID()): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:ca-central-1:000000000000:function:local-${name}`,
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/local-${name}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The runtime's keys (@aws/lambda-invoke-store); the rest is free for libraries. */
const REQUEST_ID = Symbol.for("_AWS_LAMBDA_REQUEST_ID");
const X_RAY_TRACE_ID = Symbol.for("_AWS_LAMBDA_X_RAY_TRACE_ID");
/** Ours: which function an invocation is, so that a test can tell whose SDK call it sees. */
const FUNCTION_NAME = Symbol("local.functionName");

type Store = Record<PropertyKey, unknown>;

/** The runtime's InvokeStore as it is with concurrent invocations: an AsyncLocalStorage. */
class LocalInvokeStore {
  readonly #als = new AsyncLocalStorage<Store>();
  getContext(): Store | undefined {
    return this.#als.getStore();
  }
  hasContext(): boolean {
    return this.#als.getStore() !== undefined;
  }
  get(key: PropertyKey): unknown {
    return this.#als.getStore()?.[key];
  }
  set(key: PropertyKey, value: unknown): void {
    const store = this.#als.getStore();
    if (!store) throw new Error("No invocation context");
    store[key] = value;
  }
  run<T>(context: Store, fn: () => T): T {
    return this.#als.run(context, fn);
  }
  getRequestId(): string {
    return (this.get(REQUEST_ID) as string | undefined) ?? "-";
  }
  getXRayTraceId(): string | undefined {
    return this.get(X_RAY_TRACE_ID) as string | undefined;
  }
  getTenantId(): undefined {
    return undefined;
  }
  getTraceparent(): undefined {
    return undefined;
  }
  getTracestate(): undefined {
    return undefined;
  }
  getBaggage(): undefined {
    return undefined;
  }
}

let store: LocalInvokeStore | undefined;

/** Installs the store where the runtime puts it (replacing a single-invocation one an SDK made). */
function invokeStore(): LocalInvokeStore {
  if (store) return store;
  store = new LocalInvokeStore();
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= "100";
  const global = globalThis as { awslambda?: { InvokeStore?: unknown } };
  global.awslambda ??= {};
  global.awslambda.InvokeStore = store;
  return store;
}

/** Invokes a handler as the runtime does: in an invocation of its own, with its own context. */
export function invoke<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
  context: Context,
): Promise<R> {
  return invokeStore().run(
    { [REQUEST_ID]: context.awsRequestId, [FUNCTION_NAME]: context.functionName },
    () => handler(event, context),
  );
}

/**
 * The local function name (`local-<name>`) of the invocation running now, or undefined outside one.
 * The process shares one SDK client per service among its functions: the test of each function's
 * table access attributes the client's calls by this.
 */
export function currentFunctionName(): string | undefined {
  return store?.get(FUNCTION_NAME) as string | undefined;
}
